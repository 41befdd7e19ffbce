import { scrubEmails } from '@switchboard/runtime';

/** What a viewer sees instead of ticket text: the same marker the logs use. */
export const REDACTED = '[redacted]';

/**
 * Fields that hold ticket text, personal data or raw model output, wherever they sit in a payload:
 * a ticket in `tickets`, the same ticket inside a decision or a routed ticket, or a whole failed
 * payload nested in a dead-letter job. The list mirrors the logger's, plus the whole `customer`.
 * Ids, statuses, teams, categories, priorities, reasons, notes and timings are not in it.
 */
const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(
  [
    'subject',
    'body',
    'customer',
    'email',
    'metadata',
    'raw',
    'rationale',
    'text',
    'authorization',
    'apiKey',
    'password',
    'secret',
  ].map((k) => k.toLowerCase()),
);

/**
 * A failed job's stack traces: server paths, file layout and library versions, of use to on-call with
 * the operator board and to nobody who only watches. Each frame list keeps its length (so "3 attempts
 * failed" still reads) with every entry replaced.
 */
const STACK_FIELDS: ReadonlySet<string> = new Set(['stacktrace', 'stack']);

/** Deeper than any payload of ours (a dead letter of a routed ticket is about 6 levels): fail closed past it. */
const MAX_DEPTH = 24;

/**
 * A copy of `value` fit for the read-only board: sensitive fields are replaced by the marker (a
 * `null` stays `null`, so "no raw output" still reads as such), e-mail addresses are scrubbed from
 * every other string (error messages can quote input), and anything nested deeper than our payloads
 * ever are is replaced whole rather than walked.
 */
export function redactForViewer(value: unknown): unknown {
  return walk(value, 0);
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubEmails(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((v: unknown) => walk(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      STACK_FIELDS.has(key.toLowerCase()) && v !== null && v !== undefined
        ? Array.isArray(v)
          ? v.map(() => REDACTED)
          : REDACTED
        : SENSITIVE_FIELDS.has(key.toLowerCase()) && v !== null && v !== undefined
          ? REDACTED
          : walk(v, depth + 1),
    ]),
  );
}
