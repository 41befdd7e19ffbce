import type { z } from 'zod';
import {
  deadLetterQueue,
  humanReviewQueue,
  openQueue,
  ticketIdFromJobId,
  type DeadLetterJob,
  type QueueContext,
  type QueueDef,
  type TicketStore,
} from '@switchboard/queues';
import { PIPELINE_QUEUES, TicketLifecycle } from './lifecycle.js';

export interface ReplayResult {
  replayed: string[];
  missing: string[];
  /** Pipeline failures a person already picked up from human review: replaying them would route twice. */
  skipped: string[];
}

/**
 * Puts dead-lettered jobs back on their source queue under their original id. The dead-letter entry
 * is taken off first, so a replay that fails again lands there anew instead of vanishing; a pipeline
 * failure's waiting human-review copy is withdrawn so the ticket ends in one place.
 */
export async function replayDeadLetters(
  ctx: QueueContext,
  store: TicketStore,
  defs: readonly QueueDef<string, z.ZodType>[],
  ids?: readonly string[],
): Promise<ReplayResult> {
  const dlq = openQueue(deadLetterQueue, ctx).queue;
  const review = openQueue(humanReviewQueue, ctx).queue;
  const lifecycle = new TicketLifecycle({ ctx, store });
  const result: ReplayResult = { replayed: [], missing: [], skipped: [] };
  try {
    const jobs = ids
      ? await Promise.all(ids.map(async (id) => ({ id, job: await dlq.getJob(id) })))
      : (await dlq.getJobs(['waiting', 'prioritized', 'delayed', 'completed', 'failed'])).map((job) => ({
          id: job.id ?? '',
          job,
        }));
    for (const { id, job } of jobs) {
      const parsed = job ? deadLetterQueue.schema.safeParse(job.data) : undefined;
      const def = parsed?.success ? defs.find((d) => d.queueName === parsed.data.queue) : undefined;
      if (!job || !parsed?.success || !def) {
        result.missing.push(id);
        continue;
      }
      const dead: DeadLetterJob = parsed.data;
      const pipeline = dead.jobId.startsWith('t-') && PIPELINE_QUEUES.has(dead.queue);
      if (pipeline) {
        const reviewJob = await review.getJob(dead.jobId);
        const state = reviewJob ? await reviewJob.getState() : undefined;
        if (reviewJob && state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') {
          result.skipped.push(id);
          continue;
        }
        await reviewJob?.remove();
        await lifecycle.reopen(ticketIdFromJobId(dead.jobId));
      }
      await job.remove();
      const source = openQueue(def, ctx).queue;
      try {
        const original = await source.getJob(dead.jobId);
        if (original && (await original.isFailed())) await original.retry('failed');
        else {
          await original?.remove();
          await source.add(dead.jobName, dead.data, { jobId: dead.jobId });
        }
      } finally {
        await source.close();
      }
      result.replayed.push(id);
    }
  } finally {
    await Promise.all([dlq.close(), review.close(), lifecycle.close()]);
  }
  return result;
}
