import type { RedisClient as Redis } from './connection.js';
import type { DecisionRecord, Route } from '@switchboard/core';
import { utcDay } from './fallback-switch.js';

/** Enough history for this week, last week and a month of weekly reports. */
const STATS_TTL_SECONDS = 70 * 24 * 3600;

// From ARGV[first]: ttl, number of integer fields, then field/amount pairs to the end (integers
// first, then dollars). Run by the ticket store's FINISH script, so a finished ticket is counted in
// the same call that records it as finished.
export const RECORD_STATS_FN = `
local function record_stats(key, first)
  local ints = tonumber(ARGV[first + 1])
  local i = first + 2
  for n = 1, ints do
    redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  while i <= #ARGV do
    redis.call('HINCRBYFLOAT', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  redis.call('EXPIRE', key, ARGV[first])
end
`;

/** A finished ticket's counters as the record script takes them: the day's key and its arguments. */
export interface StatsIncrement {
  key: string;
  args: (string | number)[];
}

/** A day's counters: field → count (or dollars for `cost:<model>`). */
export type DayCounters = Record<string, number>;

export interface FinishedTicket {
  language?: string | undefined;
  record: DecisionRecord;
  route: Route;
  routedAt: Date;
}

/** Ticket languages are free text from upstream; only tag-shaped values become counter fields. */
const languageField = (l: string | undefined): string => {
  if (!l) return 'unknown';
  const primary = l.toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'other';
};

const confidenceBin = (c: number): number => Math.min(9, Math.max(0, Math.floor(c * 10)));

/**
 * Daily counters of finished tickets, with no ticket text: enough for production drift (this week
 * against last), the weekly report, and throughput, added in the round trip that finishes a ticket. Fields are
 * `dimension:value`, so a new value needs no schema change.
 */
export class TrafficStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(day: string): string {
    return `${this.prefix}:stats:day:${day}`;
  }

  fieldsOf(t: FinishedTicket): { counts: Record<string, number>; costs: Record<string, number> } {
    const counts: Record<string, number> = {};
    const inc = (f: string, by = 1): void => {
      counts[f] = (counts[f] ?? 0) + by;
    };
    const { record, route } = t;
    inc('tickets');
    inc(`via:${route.via}`);
    inc(`tier:${record.tier ?? 'none'}`);
    inc(`category:${record.decision?.category ?? 'none'}`);
    if (record.decision) inc(`confidence:${confidenceBin(record.decision.confidence)}`);
    inc(`lang:${languageField(t.language)}`);
    inc(`hour:${t.routedAt.toISOString().slice(11, 13)}`);
    if (route.escalated) inc('escalated');
    for (const r of route.reasons) inc(`reason:${r}`);
    const costs: Record<string, number> = {};
    for (const a of record.attempts) {
      if (!a.model) continue;
      inc(`calls:${a.model}`);
      if (a.costUsd > 0) costs[`cost:${a.model}`] = (costs[`cost:${a.model}`] ?? 0) + a.costUsd;
    }
    return { counts, costs };
  }

  /** The counters of a finished ticket, as the ticket store's `finish` adds them. */
  incrementFor(t: FinishedTicket): StatsIncrement {
    const { counts, costs } = this.fieldsOf(t);
    const args: (string | number)[] = [STATS_TTL_SECONDS, Object.keys(counts).length];
    for (const [f, n] of Object.entries(counts)) args.push(f, n);
    for (const [f, usd] of Object.entries(costs)) args.push(f, usd);
    return { key: this.key(utcDay(t.routedAt)), args };
  }

  /** A counter someone else owns (the review desk's overrides, for instance) on today's hash. */
  async increment(field: string, at: Date, by = 1): Promise<void> {
    const key = this.key(utcDay(at));
    await this.redis.multi().hincrby(key, field, by).expire(key, STATS_TTL_SECONDS).exec();
  }

  /** Counters summed over the UTC days [from, to), oldest first in `days`. */
  async range(from: Date, to: Date): Promise<{ days: { day: string; counters: DayCounters }[]; total: DayCounters }> {
    const days: string[] = [];
    for (
      let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
      t < to.getTime();
      t += 24 * 3600 * 1000
    ) {
      days.push(utcDay(new Date(t)));
    }
    const p = this.redis.pipeline();
    for (const d of days) p.hgetall(this.key(d));
    const results = (await p.exec()) ?? [];
    const total: DayCounters = {};
    const out = days.map((day, i) => {
      const raw = (results[i]?.[1] ?? {}) as Record<string, string>;
      const counters: DayCounters = {};
      for (const [f, v] of Object.entries(raw)) {
        const n = Number(v);
        if (!Number.isFinite(n)) continue;
        counters[f] = n;
        total[f] = (total[f] ?? 0) + n;
      }
      return { day, counters };
    });
    return { days: out, total };
  }
}
