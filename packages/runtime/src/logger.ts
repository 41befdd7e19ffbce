import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Ticket text and personal data never reach the logs: these paths are censored wherever they appear
 * in a log object, up to the depth our payloads nest (job.data.ticket.customer.email).
 */
const SENSITIVE = ['body', 'subject', 'email', 'raw', 'text', 'authorization', 'apiKey', 'password'];
export const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`, `*.*.*.*.${k}`]);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Scrubs e-mail addresses from free-text log messages (error messages can quote input). */
export const scrubEmails = (s: string): string => s.replace(EMAIL, '[email]');

export function createLogger(opts: { name: string; level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubEmails(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          return { ...s, message: scrubEmails(s.message ?? ''), stack: scrubEmails(s.stack ?? '') };
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(1),
  );
}
