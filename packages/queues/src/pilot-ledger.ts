import type { RedisClient as Redis } from './connection.js';
import { z } from 'zod';
import { Category, Priority, Team } from '@switchboard/core';
import type { Transaction } from './transaction.js';

/** What an agent finally set on the ticket upstream: the pilot's ground truth. */
export const Feedback = z.strictObject({
  category: Category,
  team: Team,
  priority: Priority,
  /** Who set it upstream (an agent id), for audit; optional. */
  agent: z.string().max(128).optional(),
});
export type Feedback = z.infer<typeof Feedback>;

export const StoredFeedback = Feedback.extend({
  receivedAt: z.iso.datetime(),
  source: z.enum(['upstream', 'review_desk']),
});
export type StoredFeedback = z.infer<typeof StoredFeedback>;

/** The raw fields the pilot report reads per ticket (JSON strings from the ticket record). */
export interface PilotRow {
  ticketId: string;
  finishedAt: number;
  decision: string | null;
  route: string | null;
  feedback: string | null;
}

/**
 * Which tickets went through the pilot, by time, so the report reads one window of them without
 * scanning Redis; the decisions and feedback themselves stay on each ticket's record.
 */
export class PilotLedger {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
  ) {
    this.key = `${prefix}:pilot:tickets`;
  }

  private recordKey(ticketId: string): string {
    return `${this.prefix}:record:${ticketId}`;
  }

  /**
   * Indexes a finished pilot ticket, queued on the transaction that finishes it; idempotent (a
   * sorted-set member), and entries older than the retention go with it.
   */
  addOnto(t: Transaction, ticketId: string, at: Date): void {
    const cutoff = at.getTime() - this.retentionSeconds * 1000;
    t.step((tx) => tx.runCommand('zadd', [this.key, at.getTime(), ticketId]));
    t.step((tx) => tx.runCommand('zremrangebyscore', [this.key, '-inf', cutoff]));
  }

  /**
   * Stores feedback on the ticket's record. Returns null when the ticket is unknown, else the decision
   * record stored for it (JSON, or null before a decision), so the caller can judge the tier that decided.
   */
  async setFeedback(ticketId: string, feedback: StoredFeedback): Promise<{ decision: string | null } | null> {
    const key = this.recordKey(ticketId);
    // Only on an existing record: feedback for an unknown id must not create a half record.
    const res = await this.redis.eval(
      SET_IF_EXISTS,
      1,
      key,
      JSON.stringify(StoredFeedback.parse(feedback)),
      String(this.retentionSeconds),
    );
    if (res === 0 || res === null) return null;
    return { decision: typeof res === 'string' && res !== '' ? res : null };
  }

  /** Every pilot ticket finished in [from, to), with its decision, route and feedback, oldest first. */
  async rows(from: Date, to: Date, limit = 200_000): Promise<PilotRow[]> {
    const entries = await this.redis.zrangebyscore(
      this.key,
      from.getTime(),
      `(${to.getTime()}`,
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const ids: { id: string; at: number }[] = [];
    for (let i = 0; i + 1 < entries.length; i += 2) ids.push({ id: entries[i] as string, at: Number(entries[i + 1]) });
    const out: PilotRow[] = [];
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const p = this.redis.pipeline();
      for (const { id } of chunk) p.hmget(this.recordKey(id), 'decision', 'route', 'feedback');
      const res = (await p.exec()) ?? [];
      chunk.forEach(({ id, at }, i) => {
        const [decision = null, route = null, feedback = null] = (res[i]?.[1] ?? []) as (string | null)[];
        out.push({ ticketId: id, finishedAt: at, decision, route, feedback });
      });
    }
    return out;
  }
}

const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'feedback', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return redis.call('HGET', KEYS[1], 'decision') or ''
`;
