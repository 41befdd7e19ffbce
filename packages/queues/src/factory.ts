import { hostname } from 'node:os';
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type JobsOptions,
  type WorkerOptions,
} from 'bullmq';
import type { z } from 'zod';
import { describeZodError } from '@switchboard/core';
import type { Logger, PipelineMetrics } from '@switchboard/runtime';
import type { QueueDef } from './definitions.js';
import { jobsOptionsOf, withOverride, type RetryOverride } from './job-policy.js';

export interface QueueContext {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  /**
   * How long a worker's job lock lasts and how often stalled jobs are looked for: together they bound
   * how soon a crashed worker's jobs are picked up again.
   */
  locks?: { lockDurationMs: number; stalledIntervalMs: number };
  /**
   * The app's metrics, counted in memory: producers and consumers opened on this context count jobs
   * per queue, and the services built on it (classifier, escalation) their decisions and routes.
   * Absent, nothing is counted.
   */
  metrics?: PipelineMetrics;
}

/**
 * The one place a BullMQ Queue is made: with the queue's declared policy as every job's defaults and
 * an error listener. Most code wants `openQueue` (adding) or `inspectQueue` (reading); this is for
 * tools that need BullMQ's own object, such as Bull Board.
 */
export function openBullQueue(def: QueueDef<string, z.ZodType>, ctx: QueueContext, override?: RetryOverride): Queue {
  const queue = new Queue(def.queueName, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    defaultJobOptions: jobsOptionsOf(withOverride(def.policy, override)),
  });
  queue.on('error', (err) => ctx.logger.error({ err, queue: def.queueName }, 'queue error'));
  return queue;
}

/**
 * The producer side of a declared queue: `add` only takes that queue's payload type, every job gets
 * an id so that adding the same ticket twice is one job while BullMQ keeps it, and every job gets the
 * queue's declared policy (retries, backoff, retention, priority) without the caller passing it.
 */
export class Producer<N extends string, S extends z.ZodType> {
  constructor(
    readonly def: QueueDef<N, S>,
    readonly queue: Queue,
    private readonly metrics?: PipelineMetrics,
  ) {}

  /** `opts` is for tests and one-off tools; the queue's policy is already applied. */
  async add(jobId: string, data: z.output<S>, opts: JobsOptions = {}): Promise<void> {
    await this.queue.add(this.def.jobName, data, { ...this.priorityOf(data), ...opts, jobId });
    this.metrics?.jobsAdded(this.def.queueName);
  }

  /** One round trip for many jobs; each keeps its own id and the queue's policy. */
  async addMany(items: readonly { jobId: string; data: z.output<S> }[]): Promise<void> {
    await this.queue.addBulk(
      items.map(({ jobId, data }) => ({ name: this.def.jobName, data, opts: { ...this.priorityOf(data), jobId } })),
    );
    this.metrics?.jobsAdded(this.def.queueName, items.length);
  }

  /**
   * Creates or updates the queue's declared job scheduler. Upserting replaces the waiting job with one
   * for the *next* slot, so a process restarting just after the hour would skip this period's run:
   * the scheduler is only written when it is missing or its pattern or time zone changed.
   */
  async ensureScheduler(id: string, repeat: { pattern: string; tz: string }): Promise<void> {
    const scheduler = this.def.scheduler;
    if (!scheduler) throw new Error(`queue ${this.def.queueName} declares no job scheduler`);
    const existing = await this.queue.getJobScheduler(id);
    if (existing && existing.pattern === repeat.pattern && (existing.tz ?? 'UTC') === repeat.tz) return;
    // The template's options are the queue's defaults (BullMQ merges them in): the declared policy.
    await this.queue.upsertJobScheduler(id, repeat, { name: this.def.jobName, data: scheduler.data });
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private priorityOf(data: z.output<S>): Pick<JobsOptions, 'priority'> {
    return this.def.priority ? { priority: this.def.priority.of(data) } : {};
  }
}

/** A producer for a declared queue; `override` is a deployment's retry setting (e.g. WEBHOOK_ATTEMPTS). */
export function openQueue<N extends string, S extends z.ZodType>(
  def: QueueDef<N, S>,
  ctx: QueueContext,
  override?: RetryOverride,
): Producer<N, S> {
  return new Producer(def, openBullQueue(def, ctx, override), ctx.metrics);
}

export class InvalidPayloadError extends UnrecoverableError {
  override name = 'InvalidPayloadError';
}

export interface ConsumerOptions {
  concurrency: number;
  /** Called when a job has used its last attempt; the dead-letter writer goes here. */
  onExhausted?: (job: Job, err: Error) => Promise<void>;
  worker?: Partial<WorkerOptions>;
}

/**
 * A worker whose processor receives a payload already validated against the queue's schema.
 * A malformed payload can never succeed, so it fails at once (no retries) and goes to dead letter.
 */
export function startConsumer<N extends string, S extends z.ZodType>(
  def: QueueDef<N, S>,
  ctx: QueueContext,
  opts: ConsumerOptions,
  handle: (data: z.output<S>, job: Job, log: Logger, token: string | undefined) => Promise<void>,
): Worker {
  const worker = new Worker(
    def.queueName,
    async (job: Job, token?: string) => {
      const log = ctx.logger.child({ queue: def.queueName, jobId: job.id, attempt: job.attemptsMade + 1 });
      const parsed = def.schema.safeParse(job.data);
      if (!parsed.success) {
        const err = new InvalidPayloadError(`invalid ${def.queueName} payload: ${describeZodError(parsed.error)}`);
        throw err;
      }
      try {
        await handle(parsed.data, job, log, token);
      } catch (err) {
        // BullMQ emits no event for a job put back to wait, so it is counted here.
        if (err instanceof DelayedError) ctx.metrics?.jobFinished(def.queueName, 'deferred');
        throw err;
      }
    },
    {
      connection: ctx.connection,
      prefix: ctx.prefix,
      concurrency: opts.concurrency,
      maxStalledCount: 2,
      // Recorded on each job (processedBy) and shown in Bull Board: which process did the work.
      name: `${hostname()}-${process.pid}`,
      ...(ctx.locks ? { lockDuration: ctx.locks.lockDurationMs, stalledInterval: ctx.locks.stalledIntervalMs } : {}),
      ...opts.worker,
    },
  );
  worker.on('error', (err) => ctx.logger.error({ err, queue: def.queueName }, 'worker error'));
  worker.on('completed', () => ctx.metrics?.jobFinished(def.queueName, 'completed'));
  worker.on('failed', (job, err) => {
    if (!job) return;
    ctx.metrics?.jobFinished(def.queueName, 'failed');
    const exhausted = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    ctx.logger.warn(
      { queue: def.queueName, jobId: job.id, attemptsMade: job.attemptsMade, exhausted, err },
      'job failed',
    );
    if (exhausted && opts.onExhausted) {
      opts
        .onExhausted(job, err)
        .catch((e: unknown) =>
          ctx.logger.error({ err: e, queue: def.queueName, jobId: job.id }, 'could not dead-letter job'),
        );
    }
  });
  return worker;
}
