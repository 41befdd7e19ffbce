import type { Job, Worker } from 'bullmq';
import { openQueue, retrainQueue, startConsumer, type QueueContext } from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';
import type { RetrainOutcome } from './retrain.js';

export interface RetrainService {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Upserts the fleet's one retrain scheduler and works its jobs, one at a time per process: every
 * process upserts the same scheduler id and BullMQ gives each period one job id, so N processes
 * still retrain once per period. The outcome is the job's return value, which `ops retrain` prints.
 */
export async function startRetrainer(
  schedule: { cron: string; timezone: string; schedulerId?: string },
  deps: {
    ctx: QueueContext;
    run: () => Promise<RetrainOutcome>;
    log: Logger;
    onExhausted: (job: Job, err: Error) => Promise<void>;
    onOutcome?: (outcome: RetrainOutcome) => Promise<void>;
  },
): Promise<RetrainService> {
  const queue = openQueue(retrainQueue, deps.ctx);
  await queue.ensureScheduler(schedule.schedulerId ?? 'retrain', { pattern: schedule.cron, tz: schedule.timezone });
  const worker = startConsumer(
    retrainQueue,
    deps.ctx,
    { concurrency: 1, onExhausted: deps.onExhausted, worker: { lockDuration: 10 * 60_000 } },
    async (data, job) => {
      const outcome = await deps.run();
      deps.log.info(
        { trigger: data.trigger, jobId: job.id, outcome: outcome.kind, message: outcome.message },
        'retrain finished',
      );
      await deps.onOutcome?.(outcome);
      await job.updateProgress({ outcome });
    },
  );
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

export type RetrainWait =
  | { kind: 'finished'; outcome: RetrainOutcome }
  | { kind: 'failed'; error: string; attempts: number; final: boolean }
  | { kind: 'timeout' };

/**
 * Queues a retrain now (`ops retrain`) and waits for it: a running drift app takes it. Returns the
 * outcome, or the error of an attempt that failed (BullMQ retries it later unless it was the last).
 */
export async function requestRetrain(
  ctx: QueueContext,
  opts: { timeoutMs: number; pollMs?: number; at?: Date },
): Promise<{ jobId: string; result: RetrainWait }> {
  const queue = openQueue(retrainQueue, ctx);
  const jobId = `manual-${(opts.at ?? new Date()).getTime()}`;
  try {
    await queue.add(jobId, { trigger: 'manual' });
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const job = await queue.queue.getJob(jobId);
      const state = job ? await job.getState() : 'unknown';
      const progress = (job?.progress ?? {}) as { outcome?: RetrainOutcome };
      if (state === 'completed' && progress.outcome)
        return { jobId, result: { kind: 'finished', outcome: progress.outcome } };
      if (job && (state === 'failed' || (state === 'delayed' && job.attemptsMade > 0)))
        return {
          jobId,
          result: { kind: 'failed', error: job.failedReason, attempts: job.attemptsMade, final: state === 'failed' },
        };
      if (Date.now() > deadline) return { jobId, result: { kind: 'timeout' } };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  } finally {
    await queue.close();
  }
}
