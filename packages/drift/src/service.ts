import type { Job, Worker } from 'bullmq';
import { driftQueue, openQueue, startConsumer, type QueueContext } from '@switchboard/queues';
import type { DriftConfig } from './config.js';
import { runDriftCheck, type DriftDeps, type DriftResult } from './drift-check.js';

export interface DriftService {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Upserts the fleet's one job scheduler and works its jobs. Every drift process upserts the same
 * scheduler id, and BullMQ gives each period one job id, so N processes still run the check once
 * per period; a run lasts minutes, so one at a time per process is plenty.
 */
export async function startDrift(
  config: DriftConfig,
  deps: Omit<DriftDeps, 'config'> & {
    ctx: QueueContext;
    onExhausted: (job: Job, err: Error) => Promise<void>;
    onResult?: (r: DriftResult, job: Job) => void;
  },
): Promise<DriftService> {
  const queue = openQueue(driftQueue, deps.ctx);
  await queue.ensureScheduler(config.schedulerId, { pattern: config.cron, tz: config.timezone });
  const worker = startConsumer(
    driftQueue,
    deps.ctx,
    { concurrency: 1, onExhausted: deps.onExhausted },
    async (_data, job) => {
      const result = await runDriftCheck({ ...deps, config }, job.id ?? `manual-${Date.now()}`);
      deps.onResult?.(result, job);
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

/**
 * Queues a check now, outside the schedule (the `pnpm ops drift run` command). It gets the drift queue's
 * declared policy like the scheduled job: a provider outage is retried over hours, not dead-lettered.
 */
export async function requestDriftCheck(ctx: QueueContext, at = new Date()): Promise<string> {
  const queue = openQueue(driftQueue, ctx);
  const id = `manual-${at.getTime()}`;
  try {
    await queue.add(id, { trigger: 'manual' });
  } finally {
    await queue.close();
  }
  return id;
}
