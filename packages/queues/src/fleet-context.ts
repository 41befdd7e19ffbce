import type { Job } from 'bullmq';
import type { RedisClient as Redis } from './connection.js';
import type { Logger, PipelineMetrics } from '@switchboard/runtime';
import { connectRedis, waitForRedis, type ConnectionRole } from './connection.js';
import { deadLetterWriter } from './dead-letter.js';
import type { QueueContext } from './factory.js';
import { TicketStore } from './ticket-store.js';
import { FallbackSwitch } from './fallback-switch.js';
import { TrafficStats } from './traffic-stats.js';
import { PilotLedger } from './pilot-ledger.js';
import { RolloutStageStore } from './rollout-stage.js';
import { TierGuardStore } from './tier-guard-store.js';
import { ModelRegistry } from './model-registry.js';
import { TrainingStore, type TrainingStoreOptions } from './training-store.js';

export interface FleetContext {
  redis: Redis;
  ctx: QueueContext;
  store: TicketStore;
  stats: TrafficStats;
  fallback: FallbackSwitch;
  rollout: RolloutStageStore;
  pilot: PilotLedger;
  /** The live guard: judged answers, the local tier's switch, the guard's actions. */
  guard: TierGuardStore;
  /** The local models: every classifier runs the champion; a promotion restarts the guard's local window. */
  models: ModelRegistry;
  /** What the free tier learns from: finished tickets' redacted text and labels (see TrainingStore). */
  training: TrainingStore;
  deadLetter: (job: Job, err: Error) => Promise<void>;
  close(): Promise<void>;
}

export interface FleetContextOptions {
  redisUrl: string;
  prefix: string;
  role: ConnectionRole;
  logger: Logger;
  retentionDays: number;
  /** How long to wait for Redis at start-up before giving up with a clear error. */
  connectTimeoutMs?: number;
  locks?: QueueContext['locks'];
  /** REDIS_URL names one node of a Redis Cluster; the prefix must then be a hash tag like `{sb}`. */
  cluster?: boolean;
  /** The app's pipeline metrics: every producer and consumer opened on this context counts into them. */
  metrics?: PipelineMetrics;
  /** The training store's bounds; absent, its defaults (apps that write to it compose runtime's trainingEnv). */
  training?: Omit<TrainingStoreOptions, 'clock'>;
}

/** The training store's bounds when an app does not compose trainingEnv (it only reads, or does not use it). */
export const TRAINING_DEFAULTS = { retentionDays: 180, maxRows: 200_000, cheapConfirmDays: 7, unlabelledDays: 14 };

/** The parsed settings the fleet opener reads (runtime's redisEnv + recordsEnv, and workerLocksEnv for workers). */
export interface FleetEnv {
  REDIS_URL: string;
  REDIS_CLUSTER: boolean;
  QUEUE_PREFIX: string;
  RECORD_RETENTION_DAYS: number;
  WORKER_LOCK_DURATION_MS?: number;
  WORKER_STALLED_INTERVAL_MS?: number;
  TRAINING_RETENTION_DAYS?: number;
  TRAINING_MAX_ROWS?: number;
  TRAINING_CHEAP_CONFIRM_DAYS?: number;
  TRAINING_UNLABELLED_DAYS?: number;
}

/**
 * The one way apps and ops commands open the fleet: every setting comes from the parsed
 * environment, so no caller maps (or hard-codes) prefix, cluster, retention or locks by hand.
 */
export function openFleet(
  env: FleetEnv,
  opts: { role: ConnectionRole; logger: Logger; metrics?: PipelineMetrics },
): Promise<FleetContext> {
  const locks =
    opts.role === 'worker' && env.WORKER_LOCK_DURATION_MS !== undefined && env.WORKER_STALLED_INTERVAL_MS !== undefined
      ? { lockDurationMs: env.WORKER_LOCK_DURATION_MS, stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS }
      : undefined;
  return openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER,
    prefix: env.QUEUE_PREFIX,
    retentionDays: env.RECORD_RETENTION_DAYS,
    locks,
    training: {
      retentionDays: env.TRAINING_RETENTION_DAYS ?? TRAINING_DEFAULTS.retentionDays,
      maxRows: env.TRAINING_MAX_ROWS ?? TRAINING_DEFAULTS.maxRows,
      cheapConfirmDays: env.TRAINING_CHEAP_CONFIRM_DAYS ?? TRAINING_DEFAULTS.cheapConfirmDays,
      unlabelledDays: env.TRAINING_UNLABELLED_DAYS ?? TRAINING_DEFAULTS.unlabelledDays,
    },
    role: opts.role,
    logger: opts.logger,
    metrics: opts.metrics,
  });
}

/** The connections, ticket store and dead-letter writer every app of the fleet starts with. */
export async function openFleetContext(opts: FleetContextOptions): Promise<FleetContext> {
  const redis = connectRedis(opts.redisUrl, opts.role, opts.cluster ?? false);
  redis.on('error', (err: Error) => opts.logger.warn({ err: { message: err.message } }, 'redis connection error'));
  try {
    await waitForRedis(redis, opts.connectTimeoutMs ?? 10_000);
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `cannot reach Redis at ${opts.redisUrl.replace(/\/\/[^@]*@/, '//***@')}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const ctx: QueueContext = {
    connection: redis,
    prefix: opts.prefix,
    logger: opts.logger,
    locks: opts.locks,
    metrics: opts.metrics,
  };
  const store = new TicketStore(redis, opts.prefix, opts.retentionDays * 24 * 3600);
  const dlq = deadLetterWriter(ctx);
  const guard = new TierGuardStore(redis, opts.prefix);
  return {
    redis,
    ctx,
    store,
    stats: new TrafficStats(redis, opts.prefix),
    fallback: new FallbackSwitch(redis, opts.prefix),
    rollout: new RolloutStageStore(redis, opts.prefix),
    pilot: new PilotLedger(redis, opts.prefix, opts.retentionDays * 24 * 3600),
    guard,
    // The guard's local window judged the model being replaced: cleared in the same script.
    models: new ModelRegistry(redis, opts.prefix, { clearOnChange: guard.windowKeys('local') }),
    training: new TrainingStore(redis, opts.prefix, opts.training ?? TRAINING_DEFAULTS),
    deadLetter: dlq.write,
    async close() {
      await dlq.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
