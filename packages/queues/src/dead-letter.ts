import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { deadLetterQueue, decisionsQueue, ticketIdFromJobId, ticketsQueue, type QueueDef } from './definitions.js';
import { DEFAULT_JOB_OPTIONS, openQueue, type QueueContext } from './factory.js';
import { reopenRecord, type TicketStore } from './ticket-store.js';
import type { DeadLetterJob } from './payloads.js';
import type { z } from 'zod';

/** Queues whose failure means the ticket never reached a team or a human. */
const PIPELINE_QUEUES: ReadonlySet<string> = new Set([ticketsQueue.queueName, decisionsQueue.queueName]);

/** Dead-letter ids name their source queue so one ticket failing in two queues keeps both copies. */
export const deadLetterId = (queueName: string, jobId: string): string => `${queueName}--${jobId}`;

/**
 * Copies a job that used its last attempt to the dead-letter queue with its error, and marks the
 * ticket failed, so nothing that was accepted disappears silently.
 */
export function deadLetterWriter(
  ctx: QueueContext,
  store: TicketStore,
): { write: (job: Job, err: Error) => Promise<void>; close: () => Promise<void> } {
  const dlq = openQueue(deadLetterQueue, ctx);
  return {
    async write(job, err) {
      const jobId = job.id ?? 'unknown';
      await dlq.add(deadLetterId(job.queueName, jobId), {
        queue: job.queueName,
        jobName: job.name,
        jobId,
        data: job.data as unknown,
        error: err.message,
        attemptsMade: job.attemptsMade,
        failedAt: new Date().toISOString(),
      });
      if (jobId.startsWith('t-')) {
        const ticketId = ticketIdFromJobId(jobId);
        const error = `${job.queueName}: ${err.message}`;
        // A ticket that died in the pipeline has failed; one whose webhook died was still routed,
        // so it keeps its status and the delivery error is noted beside it.
        if (PIPELINE_QUEUES.has(job.queueName)) await store.advance(ticketId, 'failed', { error, finishedAt: new Date().toISOString() });
        else await store.note(ticketId, { deliveryError: error });
      }
      ctx.logger.error({ queue: job.queueName, jobId, err }, 'job dead-lettered');
    },
    close: () => dlq.close(),
  };
}

export interface ReplayResult {
  replayed: string[];
  missing: string[];
}

/**
 * Puts dead-lettered jobs back on their source queue under their original id and removes them from
 * dead letter. The failed original is retried in place when BullMQ still has it (its id is taken).
 */
export async function replayDeadLetters(
  ctx: QueueContext,
  redis: Redis,
  store: TicketStore,
  defs: readonly QueueDef<string, z.ZodType>[],
  ids?: readonly string[],
): Promise<ReplayResult> {
  const dlq = openQueue(deadLetterQueue, ctx).queue;
  const result: ReplayResult = { replayed: [], missing: [] };
  try {
    const jobs = ids
      ? await Promise.all(ids.map(async (id) => ({ id, job: await dlq.getJob(id) })))
      : (await dlq.getJobs(['waiting', 'delayed', 'completed', 'failed'])).map((job) => ({ id: job.id ?? '', job }));
    for (const { id, job } of jobs) {
      const parsed = job ? deadLetterQueue.schema.safeParse(job.data) : undefined;
      const def = parsed?.success ? defs.find((d) => d.queueName === parsed.data.queue) : undefined;
      if (!job || !parsed?.success || !def) {
        result.missing.push(id);
        continue;
      }
      const dead: DeadLetterJob = parsed.data;
      const source = new Queue(def.queueName, { connection: ctx.connection, prefix: ctx.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      try {
        if (dead.jobId.startsWith('t-') && PIPELINE_QUEUES.has(dead.queue)) await reopenRecord(store, redis, ticketIdFromJobId(dead.jobId));
        const original = await source.getJob(dead.jobId);
        if (original && (await original.isFailed())) await original.retry('failed');
        else if (original) await original.remove().then(() => source.add(dead.jobName, dead.data, { jobId: dead.jobId }));
        else await source.add(dead.jobName, dead.data, { jobId: dead.jobId });
      } finally {
        await source.close();
      }
      await job.remove();
      result.replayed.push(id);
    }
  } finally {
    await dlq.close();
  }
  return result;
}
