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
 * Completed and failed jobs are kept long enough for job-id de-duplication and inspection, never
 * forever, and never longer than a ticket record (at least MIN_RECORD_RETENTION_DAYS): a job that
 * outlived its record would make a re-sent ticket id a silent no-op.
 */
export const JOB_RETENTION_DAYS = 7;
export const MIN_RECORD_RETENTION_DAYS = JOB_RETENTION_DAYS + 1;
export const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: JOB_RETENTION_DAYS * 24 * 3600, count: 100_000 },
  removeOnFail: { age: JOB_RETENTION_DAYS * 24 * 3600, count: 100_000 },
};

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  ...RETENTION,
};

/**
 * The producer side of a declared queue: `add` only takes that queue's payload type, and every job
 * gets an id so that adding the same ticket twice is one job while BullMQ keeps it.
 */
export class Producer<N extends string, S extends z.ZodType> {
  constructor(
    readonly def: QueueDef<N, S>,
    readonly queue: Queue,
    private readonly metrics?: PipelineMetrics,
  ) {}

  async add(jobId: string, data: z.output<S>, opts: JobsOptions = {}): Promise<void> {
    await this.queue.add(this.def.jobName, data, { ...opts, jobId });
    this.metrics?.jobsAdded(this.def.queueName);
  }

  /** One round trip for many jobs; each keeps its own id and the queue's default options. */
  async addMany(items: readonly { jobId: string; data: z.output<S> }[]): Promise<void> {
    await this.queue.addBulk(items.map(({ jobId, data }) => ({ name: this.def.jobName, data, opts: { jobId } })));
    this.metrics?.jobsAdded(this.def.queueName, items.length);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function openQueue<N extends string, S extends z.ZodType>(
  def: QueueDef<N, S>,
  ctx: QueueContext,
): Producer<N, S> {
  const queue = new Queue(def.queueName, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  queue.on('error', (err) => ctx.logger.error({ err, queue: def.queueName }, 'queue error'));
  return new Producer(def, queue, ctx.metrics);
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
