import type { RedisClient as Redis } from '@switchboard/queues';
import type { TierName } from '@switchboard/core';
import { Resolution, type RoutedTicket } from '@switchboard/queues';

// One resolution per ticket, and its counters and candidate with it, or nothing: a retried resolve
// (a double click, a crash after this step) must not count twice.
const RECORD = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) == false then
  return 0
end
for i = 5, #ARGV do
  redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('LPUSH', KEYS[3], ARGV[3])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1
`;

export interface AccuracyRow {
  key: string;
  reviewed: number;
  machineRight: number;
  accuracy: number | null;
}

export interface LiveAccuracy {
  byTier: AccuracyRow[];
  byCategory: AccuracyRow[];
}

/** A resolved ticket as a candidate row for the eval set (eval/sets format plus where it came from). */
export function candidateRow(routed: RoutedTicket, resolution: Resolution): Record<string, unknown> {
  const d = routed.record.decision;
  const policy = routed.route.reasons.some(
    (r) => r.startsWith('critical_keyword:') || r === 'prompt_injection_suspected',
  );
  return {
    id: `rev-${routed.ticket.id}`.slice(0, 128),
    subject: routed.ticket.subject ?? '',
    body: routed.ticket.body,
    language: routed.ticket.language ?? null,
    // A human had to see it if policy says so, or if the machine's answer would have been wrong.
    expected: {
      category: resolution.category,
      priority: resolution.priority,
      team: resolution.team,
      escalation: policy || resolution.changed,
    },
    tags: ['from_review'],
    source: {
      ticketId: routed.ticket.id,
      reviewer: resolution.reviewer,
      resolvedAt: resolution.resolvedAt,
      note: resolution.note ?? null,
      reasons: routed.route.reasons,
      machine: d
        ? {
            tier: routed.record.tier,
            category: d.category,
            priority: d.priority,
            team: d.team,
            confidence: d.confidence,
          }
        : null,
    },
  };
}

const candidatesKey = (prefix: string): string => `${prefix}:review:candidates`;
const markerKey = (prefix: string, ticketId: string): string => `${prefix}:review:resolved:${ticketId}`;

/**
 * An erasure request, for the review desk's part: the eval candidates made from these tickets (they hold
 * the text) are removed, and each stored resolution loses its note; the resolution itself stays (without
 * it a repeated resolve would be counted again), as do the live-accuracy counters, which hold no text.
 */
export async function forgetReviewTraces(
  redis: Redis,
  prefix: string,
  ticketIds: readonly string[],
): Promise<{ candidates: number; resolutionNotes: number }> {
  const ids = new Set(ticketIds);
  let candidates = 0;
  for (const raw of await redis.lrange(candidatesKey(prefix), 0, -1)) {
    let ticketId: unknown;
    try {
      ticketId = (JSON.parse(raw) as { source?: { ticketId?: unknown } }).source?.ticketId;
    } catch {
      continue;
    }
    if (typeof ticketId === 'string' && ids.has(ticketId))
      candidates += await redis.lrem(candidatesKey(prefix), 0, raw);
  }
  let resolutionNotes = 0;
  for (const id of ids) {
    const raw = await redis.get(markerKey(prefix, id));
    if (raw === null) continue;
    let parsed: ReturnType<typeof Resolution.safeParse> | undefined;
    try {
      parsed = Resolution.safeParse(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success && parsed.data.note === undefined) continue;
    const { note: _note, ...rest } = parsed?.success ? parsed.data : { note: undefined };
    await redis.set(markerKey(prefix, id), JSON.stringify(rest), 'KEEPTTL');
    resolutionNotes++;
  }
  return { candidates, resolutionNotes };
}

/**
 * Every resolution is ground truth: kept with the machine's decision, counted into live accuracy
 * per deciding tier and per true category (of escalated tickets only, so read it as accuracy on the
 * hard cases), and queued as a candidate eval item for a person to review and export.
 */
export class GroundTruth {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
    private readonly candidatesMax: number,
  ) {}

  private readonly accuracyKey = (): string => `${this.prefix}:review:accuracy`;
  private readonly candidatesKey = (): string => candidatesKey(this.prefix);
  markerKey(ticketId: string): string {
    return markerKey(this.prefix, ticketId);
  }

  /** Returns false when the ticket was already resolved (by anyone). */
  async record(routed: RoutedTicket, resolution: Resolution): Promise<boolean> {
    const d = routed.record.decision;
    const fields: string[] = [];
    if (d) {
      const tier: TierName | 'none' = routed.record.tier ?? 'none';
      const right = d.category === resolution.category;
      fields.push(`tier:${tier}:n`, `category:${resolution.category}:n`);
      if (right) fields.push(`tier:${tier}:right`, `category:${resolution.category}:right`);
    }
    const res = await this.redis.eval(
      RECORD,
      3,
      this.markerKey(routed.ticket.id),
      this.accuracyKey(),
      this.candidatesKey(),
      JSON.stringify(resolution),
      String(this.retentionSeconds),
      JSON.stringify(candidateRow(routed, resolution)),
      String(this.candidatesMax),
      ...fields,
    );
    return res === 1;
  }

  async resolutionOf(ticketId: string): Promise<string | null> {
    return this.redis.get(this.markerKey(ticketId));
  }

  async accuracy(): Promise<LiveAccuracy> {
    const h = await this.redis.hgetall(this.accuracyKey());
    const rows = (dim: 'tier' | 'category'): AccuracyRow[] => {
      const keys = new Set(
        Object.keys(h)
          .filter((k) => k.startsWith(`${dim}:`))
          .map((k) => k.split(':')[1] ?? ''),
      );
      return [...keys].sort().map((key) => {
        const reviewed = Number(h[`${dim}:${key}:n`] ?? 0);
        const machineRight = Number(h[`${dim}:${key}:right`] ?? 0);
        return { key, reviewed, machineRight, accuracy: reviewed ? machineRight / reviewed : null };
      });
    };
    return { byTier: rows('tier'), byCategory: rows('category') };
  }

  /** Newest first, as JSON lines ready to review and append to an eval set. */
  async candidates(limit: number): Promise<string[]> {
    return this.redis.lrange(this.candidatesKey(), 0, limit - 1);
  }
}
