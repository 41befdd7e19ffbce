import type { RedisClient as Redis } from './connection.js';
import type { DecisionRecord } from '@switchboard/core';
import type { RouteSchema } from './payloads.js';
import type { z } from 'zod';
import { utcDay } from './fallback-switch.js';
import { luaScript, type LuaScript } from './lua-script.js';

/** Enough history for this week, last week and a month of weekly reports. */
const STATS_TTL_SECONDS = 70 * 24 * 3600;

// ARGV: ttl, number of integer fields, then field/amount pairs (integers first, then dollars).
const RECORD = `
local ints = tonumber(ARGV[2])
local i = 3
for n = 1, ints do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** A day's counters: field → count (or dollars for `cost:<model>`). */
export type DayCounters = Record<string, number>;

export interface FinishedTicket {
  language?: string | undefined;
  record: DecisionRecord;
  route: z.infer<typeof RouteSchema>;
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
 * against last), the weekly report, and throughput, at one round trip per ticket. Fields are
 * `dimension:value`, so a new value needs no schema change.
 */
export class TrafficStats {
  private readonly recordScript: LuaScript;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.recordScript = luaScript(redis, 'recordStats', 1, RECORD);
  }

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

  async record(t: FinishedTicket): Promise<void> {
    const key = this.key(utcDay(t.routedAt));
    const { counts, costs } = this.fieldsOf(t);
    // One script call: an ioredis MULTI builds a pipeline object per call, which showed up as GC on the hot path.
    const args: (string | number)[] = [STATS_TTL_SECONDS, Object.keys(counts).length];
    for (const [f, n] of Object.entries(counts)) args.push(f, n);
    for (const [f, usd] of Object.entries(costs)) args.push(f, usd);
    await this.recordScript([key], args);
  }

  /** A counter someone else owns (the review desk's overrides, for instance) on today's hash. */
  async increment(field: string, at: Date, by = 1): Promise<void> {
    const key = this.key(utcDay(at));
    await this.redis.multi().hincrby(key, field, by).expire(key, STATS_TTL_SECONDS).exec();
  }

  /** Counters summed over the UTC days [from, to), oldest first in `days`. */
  async range(from: Date, to: Date): Promise<{ days: { day: string; counters: DayCounters }[]; total: DayCounters }> {
    const days: string[] = [];
    for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime(); t += 24 * 3600 * 1000) {
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
