import { Queue } from 'bullmq';
import type { RedisClient as Redis } from '@switchboard/queues';
import { TEAMS } from '@switchboard/core';
import { humanReviewQueue, teamQueue, ticketIdFromJobId } from '@switchboard/queues';

/** Every place a ticket can end: each team's queue and the human review queue. */
export const destinationQueueNames = (): string[] => [
  ...TEAMS.map((t) => teamQueue(t).queueName),
  humanReviewQueue.queueName,
];

/** Ticket id → the destination queues holding a job for it, read straight from Redis. */
export async function destinations(redis: Redis, prefix: string): Promise<Map<string, string[]>> {
  const where = new Map<string, string[]>();
  for (const name of destinationQueueNames()) {
    const q = new Queue(name, { connection: redis, prefix });
    const jobs = await q.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'], 0, -1);
    for (const job of jobs) {
      const id = ticketIdFromJobId(job.id ?? '');
      where.set(id, [...(where.get(id) ?? []), name]);
    }
    await q.close();
  }
  return where;
}

export async function postJson(url: string, key: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** A cheap or strong tier pointed at the test's fake provider, as the e2e tests configure it. */
export const fakeModelTier = (baseURL: string, model: string, threshold: number) => ({
  baseURL,
  apiKey: 'k',
  model,
  threshold,
  timeoutMs: 5_000,
});
