import { z } from 'zod';
import { describeZodError } from '@switchboard/core';

/** `a, b ,c` → ['a','b','c']; empty entries dropped. */
export const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

/** A JSON-valued variable, validated with `schema` after parsing. */
export const jsonOf = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** For the logger that must exist before the environment is parsed: a bad LOG_LEVEL falls back to info. */
export const logLevelOf = (value: string | undefined): z.infer<typeof LogLevel> => LogLevel.catch('info').parse(value);

export const commonEnv = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; use a hash tag such as `{sb}` on Redis Cluster. */
  /** `true` when REDIS_URL names one node of a Redis Cluster (then QUEUE_PREFIX must be a hash tag such as `{sb}`). */
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[^:\s]+$/, 'must not contain ":" or spaces')
    .default('sb'),
  LOG_LEVEL: LogLevel.default('info'),
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(25_000),
});
export type CommonEnv = z.infer<typeof commonEnv>;

/** Workers only: a crashed worker's jobs return after at most lock duration + stalled interval. */
export const workerEnv = commonEnv.extend({
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** At least 8: longer than BullMQ keeps any job, so a re-sent id is never swallowed by an old job. */
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(8).default(30),
});
export type WorkerEnv = z.infer<typeof workerEnv>;

export const locksFromEnv = (env: WorkerEnv): { lockDurationMs: number; stalledIntervalMs: number } => ({
  lockDurationMs: env.WORKER_LOCK_DURATION_MS,
  stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once at start-up; a bad value is a clear error naming the variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: unknown): z.infer<S> {
  // `FOO=` (as docker compose writes an unset `${FOO:-}`) means unset, not an empty value to validate.
  const input =
    typeof env === 'object' && env !== null
      ? Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined))
      : env;
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(`invalid configuration: ${describeZodError(result.error)}`);
  return result.data;
}
