import type { Job } from 'bullmq';
import { deadLetterQueue } from './definitions.js';
import { openQueue, type QueueContext } from './factory.js';

/** Dead-letter ids name their source queue so one ticket failing in two queues keeps both copies. */
export const deadLetterId = (queueName: string, jobId: string): string => `${queueName}--${jobId}`;

/**
 * For jobs that used their last attempt: a copy goes to the dead-letter queue with its error, where an
 * operator can read and replay it. What that means for a ticket (a person takes it, or its delivery
 * error is noted) is the ticket lifecycle's, which wraps this. `close()` waits for writes in flight.
 */
export function deadLetterWriter(ctx: QueueContext): {
  write: (job: Job, err: Error) => Promise<void>;
  close: () => Promise<void>;
} {
  const dlq = openQueue(deadLetterQueue, ctx);
  const inFlight = new Set<Promise<void>>();

  const writeOne = async (job: Job, err: Error): Promise<void> => {
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
    ctx.metrics?.deadLettered(job.queueName);
    ctx.logger.error({ queue: job.queueName, jobId, err }, 'job dead-lettered');
  };

  return {
    write(job, err) {
      const p = writeOne(job, err).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      await dlq.close();
    },
  };
}
