import type { z } from 'zod';
import type { FleetState } from '@switchboard/runtime';
import { allQueueDefs, deadLetterQueue, type QueueDef } from './definitions.js';
import type { QueueContext } from './factory.js';
import { inspectQueue } from './inspector.js';

/** The states that make a queue's depth; completed jobs are history, not backlog. */
export const DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

export interface FleetStateReader {
  /** Job counts of every queue, one getJobCounts per queue, sent together on the shared connection. */
  read: () => Promise<FleetState>;
  close: () => Promise<void>;
}

/**
 * Reads queue depths for the metrics endpoint. Called at scrape time only (never per job), and by
 * the one app that exports them (drift by default), so the cost is one round of calls per scrape.
 */
export function openFleetStateReader(
  ctx: QueueContext,
  defs: readonly QueueDef<string, z.ZodType>[] = allQueueDefs(),
): FleetStateReader {
  const queues = defs.map((def) => inspectQueue(def, ctx));
  return {
    async read() {
      const counts = await Promise.all(queues.map((q) => q.counts(...DEPTH_STATES)));
      const depths = queues.map(({ queueName }, i) => ({ queue: queueName, counts: counts[i] ?? {} }));
      const dead = depths.find((d) => d.queue === deadLetterQueue.queueName);
      return { queues: depths, deadLetterJobs: Object.values(dead?.counts ?? {}).reduce((a, b) => a + b, 0) };
    },
    async close() {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
