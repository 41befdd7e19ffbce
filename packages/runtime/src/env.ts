import { z } from 'zod';
import { describeZodError } from '@switchboard/core';
import { composeEnv, envFragment, flag, type EnvFragment } from './env-fragment.js';

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** For the logger that must exist before the environment is parsed: a bad LOG_LEVEL falls back to info. */
export const logLevelOf = (value: string | undefined): z.infer<typeof LogLevel> => LogLevel.catch('info').parse(value);

/** Every long-running app: its log level and how long a graceful shutdown may take. */
export const serviceEnv = envFragment('runtime', 'service', {
  LOG_LEVEL: LogLevel.default('info').describe('pino log level: fatal, error, warn, info, debug, trace or silent.'),
  SHUTDOWN_DEADLINE_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(25_000)
    .describe('On SIGTERM/SIGINT: time to finish active jobs and close connections before exiting 1.'),
});

/** Where the fleet's Redis is and under which key prefix its queues live. */
export const redisEnv = envFragment('runtime', 'redis', {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379').describe('Redis the fleet shares (queues and stores).'),
  REDIS_CLUSTER: flag()
    .default(false)
    .describe(
      '`true` when REDIS_URL names one node of a Redis Cluster (QUEUE_PREFIX must then be a hash tag like `{sb}`).',
    ),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[^:\s]+$/, 'must not contain ":" or spaces')
    .default('sb')
    .describe(
      'BullMQ key prefix; every app of one fleet uses the same one. A hash tag such as `{sb}` on Redis Cluster.',
    ),
});

/** How long ticket records, pilot rows and idempotency keys are kept. */
export const recordsEnv = envFragment('runtime', 'records', {
  RECORD_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(8)
    .default(30)
    .describe(
      'Days ticket records are kept; at least 8, longer than BullMQ keeps any job, so a re-sent id is never swallowed.',
    ),
});

/**
 * The training store's bounds (the fleet opener's `fleet.training`), for the apps that write to it:
 * escalation (finished tickets), the review desk (people's answers), ingest (feedback), the classifier
 * (spot checks). Declared beside the record retention because the fleet opener reads both.
 */
export const trainingEnv = envFragment('runtime', 'training', {
  TRAINING_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .default(180)
    .describe('Days a labelled ticket is kept in the training store (by label time); older rows are dropped on write.'),
  TRAINING_MAX_ROWS: z.coerce
    .number()
    .int()
    .min(100)
    .default(200_000)
    .describe(
      'Most labelled rows the training store keeps (the oldest are dropped first); bounds its Redis memory, see docs/operations.md.',
    ),
  TRAINING_CHEAP_CONFIRM_DAYS: z.coerce
    .number()
    .min(0)
    .default(7)
    .describe("Days a cheap tier's answer waits for a person's correction before it counts as a training label."),
  TRAINING_UNLABELLED_DAYS: z.coerce
    .number()
    .min(0)
    .default(14)
    .describe(
      "Days the text of a ticket no kept tier answered (local, rule, escalated) waits for a person's label (feedback, review desk).",
    ),
});

/** Workers only: a crashed worker's jobs return after at most lock duration + stalled interval. */
export const workerLocksEnv = envFragment('runtime', 'worker-locks', {
  WORKER_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(30_000)
    .describe("BullMQ job lock; a crashed worker's job returns after at most this plus the stalled interval."),
  WORKER_STALLED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(500)
    .default(30_000)
    .describe('How often workers look for jobs whose lock expired.'),
});

const connectionFragments = [serviceEnv, redisEnv] as const satisfies readonly EnvFragment[];
/** Logging, shutdown and Redis: what every app of the fleet reads. */
export const commonEnv = composeEnv('common', connectionFragments).schema;
export type CommonEnv = z.infer<typeof commonEnv>;

export const locksFromEnv = (env: {
  WORKER_LOCK_DURATION_MS: number;
  WORKER_STALLED_INTERVAL_MS: number;
}): { lockDurationMs: number; stalledIntervalMs: number } => ({
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
