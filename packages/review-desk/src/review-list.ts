import type { Priority } from '@switchboard/core';
import { ticketIdFromJobId, type InspectedJob, type QueueInspector, type RoutedTicket } from '@switchboard/queues';
import type { Claim, ClaimStore } from './claims.js';
import type { ReviewDeskConfig } from './config.js';

export interface ReviewItem {
  ticketId: string;
  routed: RoutedTicket;
  /** The machine's priority, or high when it had none: an unknown ticket is treated as urgent. */
  priority: Priority;
  waitingMs: number;
  slaBreached: boolean;
  claim: Claim | null;
}

const RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

export function toItem(
  entry: InspectedJob<RoutedTicket>,
  claim: Claim | null,
  config: ReviewDeskConfig,
  now: number,
): ReviewItem | null {
  if (!entry.ok || !entry.id) return null;
  const routed = entry.data;
  const priority = routed.record.decision?.priority ?? 'high';
  // The customer has been waiting since the ticket arrived, not since it reached this queue.
  const waitingMs = Math.max(0, now - Date.parse(routed.ticket.receivedAt));
  return {
    ticketId: ticketIdFromJobId(entry.id),
    routed,
    priority,
    waitingMs,
    slaBreached: waitingMs > config.slaMs[priority],
    claim,
  };
}

export interface WaitingList {
  /** The most urgent `listLimit` tickets, highest priority first, then oldest first. */
  items: ReviewItem[];
  unreadable: number;
  /** Everything waiting, listed or not: after an outage it can be far more than a page shows. */
  total: number;
}

/**
 * The tickets waiting for a person, highest priority first, then oldest first. They are the
 * human-review queue's waiting jobs: nobody consumes that queue with a worker, so no job lock is
 * held while a person reads; a resolution removes the job. BullMQ keeps prioritized jobs by
 * priority, then arrival, so the first `listLimit` read are the most urgent.
 */
export async function listWaiting(
  queue: QueueInspector<RoutedTicket>,
  claims: ClaimStore,
  config: ReviewDeskConfig,
  now: number,
): Promise<WaitingList> {
  // Ascending: highest priority (lowest number), then oldest. BullMQ's default order is the reverse,
  // which past the limit would have listed the least urgent tickets and hidden the urgent ones.
  const [jobs, counts] = await Promise.all([
    queue.list(['prioritized', 'waiting'], { start: 0, end: config.listLimit - 1, asc: true }),
    queue.counts('prioritized', 'waiting'),
  ]);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const held = await claims.getMany(jobs.map((j) => ticketIdFromJobId(j.id)));
  const items: ReviewItem[] = [];
  let unreadable = 0;
  jobs.forEach((job, i) => {
    const item = toItem(job, held[i] ?? null, config, now);
    if (item) items.push(item);
    else unreadable++;
  });
  items.sort((a, b) => RANK[a.priority] - RANK[b.priority] || b.waitingMs - a.waitingMs);
  // BullMQ applies the range to each state, so two states can return up to twice the limit.
  return { items: items.slice(0, config.listLimit), unreadable, total };
}
