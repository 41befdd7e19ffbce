import { pino, type DestinationStream, type Logger } from 'pino';
import { redactPii } from '@switchboard/core';

export type { Logger } from 'pino';

/**
 * Ticket text and personal data never reach the logs: fields with these names are censored wherever
 * they appear in a log object or a child logger's bindings (job.data.ticket.customer.email).
 */
const SENSITIVE = new Set(['body', 'subject', 'email', 'raw', 'text', 'rationale', 'metadata', 'authorization', 'apiKey', 'password', 'secret']);
const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

// International numbers as people write them: a + and 8 to 15 digits, spaces, dashes or brackets between.
const PHONE = /\+\d[\d ()-]{6,18}\d/g;
// Every e-mail address has an @, every card or phone number digits: most strings have neither.
const MAYBE_PII = /[@\d]/;

/**
 * Scrubs personal data from free-text log messages (error messages can quote input): e-mail
 * addresses and card numbers (as `redactPii` finds them for models) and international phone numbers.
 */
export const scrubEmails = (s: string): string => (MAYBE_PII.test(s) ? redactPii(s).text.replace(PHONE, '[phone]') : s);

/**
 * One walk over the log object: sensitive fields censored by name, every other string scrubbed,
 * whatever the field is called and however deep. It replaces pino's path-based redaction, whose
 * wildcard paths cost more than the rest of a log line (profiled in bench scenario 1).
 */
function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubEmails(value);
  // Errors go to the err serializer intact (it scrubs them); their fields are not enumerable.
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE.has(k) ? CENSOR : scrubDeep(v, depth + 1);
  return out;
}

export function createLogger(opts: { name: string; level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      // Child loggers' bindings bypass the log formatter; top-level paths only, which pino redacts cheaply.
      redact: { paths: [...SENSITIVE], censor: CENSOR },
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
