import { pino, type DestinationStream, type Logger } from 'pino';
import { redactPii } from '@switchboard/core';

export type { Logger } from 'pino';

/**
 * Ticket text and personal data never reach the logs: fields with these names are censored wherever
 * they appear in a log object or a child logger's bindings (job.data.ticket.customer.email).
 */
const SENSITIVE = new Set([
  'body',
  'subject',
  'email',
  'raw',
  'text',
  'rationale',
  'metadata',
  'authorization',
  'apiKey',
  'password',
  'secret',
]);
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
 * whatever the field is called and however deep. Errors are serialized first (pino's err
 * serializer) and walked like the rest: their own fields (an HTTP client's response body, a Redis
 * client's command) can hold ticket text. It replaces pino's path-based redaction, whose 55
 * wildcard paths cost more than the rest of a log line (profiled in bench scenario 1).
 */
function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubEmails(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return scrubDeep(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE.has(k) ? CENSOR : scrubDeep(v, depth + 1);
  return out;
}

export function createLogger(opts: { name: string; level: string }, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      name: opts.name,
      level: opts.level,
      formatters: { log: (obj) => scrubDeep(obj, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubEmails(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      // Only an error the log formatter did not already walk (it turns errors into plain objects).
      serializers: { err: (err: unknown) => (err instanceof Error ? scrubDeep(err, 0) : err) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(1),
  );
  // pino does not run a formatter over a child's bindings, so they are walked here, once per child;
  // children are created from their parent's prototype, so grandchildren inherit this too.
  // Not bound: called on a child, `this` is that child, so its own bindings are kept.
  const pinoProto = Object.getPrototypeOf(logger) as Logger;
  logger.child = function scrubbedChild(this: Logger, bindings, childOpts) {
    return pinoProto.child.call(this, scrubDeep(bindings, 0) as typeof bindings, childOpts);
  } as Logger['child'];
  return logger;
}
