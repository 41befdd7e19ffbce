import { pino, type DestinationStream, type Logger } from 'pino';
import { redactPii } from '@switchboard/core';

export type { Logger } from 'pino';

/**
 * Ticket text and personal data never reach the logs: these paths are censored wherever they appear
 * in a log object, up to the depth our payloads nest (job.data.ticket.customer.email).
 */
const SENSITIVE = ['body', 'subject', 'email', 'raw', 'text', 'rationale', 'metadata', 'authorization', 'apiKey', 'password', 'secret'];
export const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`, `*.*.*.*.${k}`]);

// International numbers as people write them: a + and 8 to 15 digits, spaces, dashes or brackets between.
const PHONE = /\+\d[\d ()-]{6,18}\d/g;

/**
 * Scrubs personal data from free-text log messages (error messages can quote input): e-mail
 * addresses and card numbers (as `redactPii` finds them for models) and international phone numbers.
 */
export const scrubEmails = (s: string): string => redactPii(s).text.replace(PHONE, '[phone]');

/** Whatever the field is called and however deep: no string leaves with an e-mail address in it. */
function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubEmails(value);
  // Errors go to the err serializer intact (it scrubs them); their fields are not enumerable.
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
}

export function createLogger(opts: { name: string; level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (obj) => scrubDeep(obj, 0) as Record<string, unknown> },
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
