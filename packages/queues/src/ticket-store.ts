import type { RedisClient as Redis } from './connection.js';
import { z } from 'zod';
import { Connector, DecisionRecord, Route, withoutText } from '@switchboard/core';
import { luaScript, type LuaScript } from './lua-script.js';
import { RECORD_STATS_FN, type StatsIncrement } from './traffic-stats.js';
import { Resolution } from './payloads.js';
import type { Transaction } from './transaction.js';

export const TICKET_STATUSES = ['queued', 'classifying', 'routed', 'escalated', 'failed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses only move forward, so a redelivered job cannot make a routed ticket look unrouted. */
const RANK: Record<TicketStatus, number> = { queued: 0, classifying: 1, routed: 2, escalated: 2, failed: 2 };

/**
 * What the last write-back to the ticket's helpdesk did: `written` (group, priority, tags and note are on
 * the ticket), `skipped` (a person had already routed it there: their change wins) or `failed` (out of
 * attempts; the job is in dead letter).
 */
export const WriteBackNote = z.object({
  connector: Connector,
  outcome: z.enum(['written', 'skipped', 'failed']),
  detail: z.string(),
  /** Whose decision was written: the machine's, or a person's from the review desk. */
  decision: z.enum(['machine', 'human']),
  /** The helpdesk group the write-back moved the ticket to, if any: what "unchanged by a person" compares with. */
  group: z.number().int().positive().optional(),
  at: z.iso.datetime(),
});
export type WriteBackNote = z.infer<typeof WriteBackNote>;

export const TicketView = z.object({
  ticketId: z.string(),
  status: z.enum(TICKET_STATUSES),
  decision: DecisionRecord.optional(),
  route: Route.optional(),
  error: z.string().optional(),
  deliveryError: z.string().optional(),
  resolution: Resolution.optional(),
  writeBack: WriteBackNote.optional(),
  timings: z.object({
    receivedAt: z.string(),
    classificationStartedAt: z.string().optional(),
    decidedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    totalMs: z.number().optional(),
  }),
});
export type TicketView = z.infer<typeof TicketView>;

// Moves the status forward and sets fields with it, only if it moves forward; refreshes the retention
// either way. The fields are ARGV's field/value pairs from `first` to `last`. Shared by ADVANCE,
// BEGIN and FINISH.
const ADVANCE_FN = `
local function advance(key, ttl, rank, status, first, last)
  local cur = redis.call('HGET', key, 'rank')
  if cur and (tonumber(cur) > rank or (tonumber(cur) == rank and rank == 2)) then
    redis.call('EXPIRE', key, ttl)
    return 0
  end
  redis.call('HSET', key, 'status', status, 'rank', rank)
  for i = first, last, 2 do
    redis.call('HSET', key, ARGV[i], ARGV[i + 1])
  end
  redis.call('EXPIRE', key, ttl)
  return 1
end
`;

const ADVANCE = `${ADVANCE_FN}
return advance(KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3], 4, #ARGV)
`;

// Escalation's last step in one round trip: the final status, and, only when this call moved it
// there, the day's traffic counters, so a redelivered decision is never counted twice and a crash
// between the two cannot lose the count. ARGV: ttl, rank, status, number of field pairs, the pairs,
// then the counters' arguments (see RECORD_STATS_FN); KEYS: the record, the day's counters.
const FINISH = `${ADVANCE_FN}${RECORD_STATS_FN}
local last = 4 + tonumber(ARGV[4]) * 2
local moved = advance(KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3], 5, last)
if moved == 1 then
  record_stats(KEYS[2], last + 1)
end
return moved
`;

// The classifier's first step in one round trip: a finished ticket or a recorded decision is
// returned as found; otherwise the ticket moves to 'classifying' with the given fields.
const BEGIN = `${ADVANCE_FN}
local found = redis.call('HMGET', KEYS[1], 'status', 'decision', 'rank')
if (found[3] and tonumber(found[3]) >= 2) or found[2] then
  return {found[1] or false, found[2] or false}
end
advance(KEYS[1], ARGV[1], 1, 'classifying', 2, #ARGV)
return {found[1] or false, false}
`;

// Records a ticket as queued unless a record exists; returns 1 only for the call that created it.
const MARK_QUEUED = `
local created = redis.call('HSETNX', KEYS[1], 'acceptedAt', ARGV[2])
redis.call('HSETNX', KEYS[1], 'status', 'queued')
redis.call('HSETNX', KEYS[1], 'rank', '0')
redis.call('HSETNX', KEYS[1], 'receivedAt', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return created
`;

// Stores the route if none is stored yet and returns whichever route is stored (the first decision
// wins), with the status, so escalation learns in the same round trip whether it already delivered.
const CLAIM_ROUTE = `
redis.call('HSETNX', KEYS[1], 'route', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return redis.call('HMGET', KEYS[1], 'route', 'status')
`;

const asStatus = (v: unknown): TicketStatus | undefined =>
  typeof v === 'string' && (TICKET_STATUSES as readonly string[]).includes(v) ? (v as TicketStatus) : undefined;

/**
 * The ticket's record: its status, decision and route, kept for `retentionSeconds` (30 days by default),
 * well past the BullMQ jobs. It is also what makes ingest idempotent: a known id is a known ticket.
 */
export class TicketStore {
  private readonly scripts: Record<'advance' | 'begin' | 'finish' | 'markQueued' | 'claimRoute', LuaScript>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
  ) {
    this.scripts = {
      advance: luaScript(redis, 'advance', 1, ADVANCE),
      begin: luaScript(redis, 'begin', 1, BEGIN),
      finish: luaScript(redis, 'finish', 2, FINISH),
      markQueued: luaScript(redis, 'markQueued', 1, MARK_QUEUED),
      claimRoute: luaScript(redis, 'claimRoute', 1, CLAIM_ROUTE),
    };
  }

  key(ticketId: string): string {
    return `${this.prefix}:record:${ticketId}`;
  }

  async status(ticketId: string): Promise<TicketStatus | undefined> {
    return asStatus(await this.redis.hget(this.key(ticketId), 'status'));
  }

  /**
   * Called by ingest after the job is in Redis. Never downgrades a status a worker already set.
   * Returns true for the one call that accepted the ticket, so simultaneous duplicates learn they are.
   */
  async markQueued(ticketId: string, receivedAt: string): Promise<boolean> {
    // A script, not MULTI: equally atomic, but a MULTI builds an ioredis Pipeline, which copies every
    // command BullMQ defined on the shared connection; per ticket, that showed as ingest's GC time.
    const res = await this.scripts.markQueued([this.key(ticketId)], [this.retentionSeconds, receivedAt]);
    return res === 1;
  }

  /** Records fields beside the status without moving it (e.g. a delivery error after routing). */
  async note(ticketId: string, fields: Record<string, string>): Promise<void> {
    await this.redis.multi().hset(this.key(ticketId), fields).expire(this.key(ticketId), this.retentionSeconds).exec();
  }

  /** Records what the last write-back to the ticket's helpdesk did (shown as `writeBack` on the record). */
  async noteWriteBack(ticketId: string, note: WriteBackNote): Promise<void> {
    await this.note(ticketId, { writeBack: JSON.stringify(WriteBackNote.parse(note)) });
  }

  /** The last write-back's note, if any. */
  async writeBackOf(ticketId: string): Promise<WriteBackNote | undefined> {
    const raw = await this.redis.hget(this.key(ticketId), 'writeBack');
    const parsed = raw ? WriteBackNote.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  /** `note`, queued on a transaction. */
  noteOnto(t: Transaction, ticketId: string, fields: Record<string, string>): void {
    t.step((tx) => tx.hset(this.key(ticketId), fields));
    t.step((tx) => tx.runCommand('expire', [this.key(ticketId), this.retentionSeconds]));
  }

  /** Moves the status forward and records fields with it. Returns false when the record was already further on. */
  async advance(ticketId: string, status: TicketStatus, fields: Record<string, string> = {}): Promise<boolean> {
    const res = await this.scripts.advance(
      [this.key(ticketId)],
      [this.retentionSeconds, RANK[status], status, ...Object.entries(fields).flat()],
    );
    return res === 1;
  }

  /** `advance`, queued on a transaction; its reply (1 moved, 0 not) is at the returned index. */
  advanceOnto(t: Transaction, ticketId: string, status: TicketStatus, fields: Record<string, string> = {}): number {
    return t.step((tx) =>
      this.scripts.advance.onto(
        tx,
        [this.key(ticketId)],
        [this.retentionSeconds, RANK[status], status, ...Object.entries(fields).flat()],
      ),
    );
  }

  /** `finish`, queued on a transaction; its reply (1 moved, 0 not) is at the returned index. */
  finishOnto(
    t: Transaction,
    ticketId: string,
    status: 'routed' | 'escalated',
    fields: Record<string, string>,
    stats: StatsIncrement,
  ): number {
    const pairs = Object.entries(fields).flat();
    return t.step((tx) =>
      this.scripts.finish.onto(
        tx,
        [this.key(ticketId), stats.key],
        [this.retentionSeconds, RANK[status], status, pairs.length / 2, ...pairs, ...stats.args],
      ),
    );
  }

  /**
   * Moves the ticket to its final status and, only if this call moved it, adds its traffic counters
   * (`TrafficStats.incrementFor`): one round trip, and a ticket counted exactly once.
   */
  async finish(
    ticketId: string,
    status: 'routed' | 'escalated',
    fields: Record<string, string>,
    stats: StatsIncrement,
  ): Promise<boolean> {
    const pairs = Object.entries(fields).flat();
    const res = await this.scripts.finish(
      [this.key(ticketId), stats.key],
      [this.retentionSeconds, RANK[status], status, pairs.length / 2, ...pairs, ...stats.args],
    );
    return res === 1;
  }

  /**
   * The classifier's start: the status and any decision already recorded, as they were found;
   * when the ticket is neither finished nor decided, it is moved to 'classifying' with `fields` in the
   * same round trip.
   */
  async beginClassifying(
    ticketId: string,
    fields: Record<string, string>,
  ): Promise<{ status: TicketStatus | undefined; decision: string | undefined }> {
    const res = await this.scripts.begin(
      [this.key(ticketId)],
      [this.retentionSeconds, ...Object.entries(fields).flat()],
    );
    const [status, decision] = Array.isArray(res) ? (res as unknown[]) : [];
    return { status: asStatus(status), decision: typeof decision === 'string' ? decision : undefined };
  }

  /**
   * Escalation's exactly-once guard: the first route stored for a ticket is the only one it is ever
   * delivered by, so a redelivered decision (after a crash, or on a worker with newer config) cannot
   * send the ticket to a second place. Returns the stored route as JSON and the ticket's status.
   */
  async claimRoute(ticketId: string, routeJson: string): Promise<{ route: string; status: TicketStatus | undefined }> {
    const res = await this.scripts.claimRoute([this.key(ticketId)], [this.retentionSeconds, routeJson]);
    const [route, status] = Array.isArray(res) ? (res as unknown[]) : [];
    if (typeof route !== 'string') throw new Error(`route of ${ticketId} was not stored`);
    return { route, status: asStatus(status) };
  }

  /** Lets a replayed ticket move through the statuses again, clearing how it ended last time. */
  async reopen(ticketId: string): Promise<void> {
    const key = this.key(ticketId);
    await this.redis
      .multi()
      .hset(key, 'status', 'queued', 'rank', '0')
      .hdel(key, 'error', 'finishedAt', 'route', 'decision')
      .expire(key, this.retentionSeconds)
      .exec();
  }

  /**
   * Takes what may quote the customer's text off the record (an erasure request): the decision record's
   * raw model replies and rationale, a person's resolution note, the write-back's detail. The status,
   * route, categories and times stay, so the ticket's id still de-duplicates and counts still add up.
   * Returns whether a record was there.
   */
  async forgetText(ticketId: string, at: Date): Promise<boolean> {
    const key = this.key(ticketId);
    const h = await this.redis.hgetall(key);
    if (!h.status) return false;
    const fields: Record<string, string> = { forgottenAt: at.toISOString() };
    const drop: string[] = [];
    const rewrite = <T>(field: string, schema: z.ZodType<T>, scrub: (v: T) => T): void => {
      const raw = h[field];
      if (raw === undefined) return;
      let parsed: z.ZodSafeParseResult<T> | undefined;
      try {
        parsed = schema.safeParse(JSON.parse(raw));
      } catch {
        parsed = undefined;
      }
      // What cannot be read cannot be scrubbed: it goes.
      if (parsed?.success) fields[field] = JSON.stringify(scrub(parsed.data));
      else drop.push(field);
    };
    rewrite('decision', DecisionRecord, withoutText);
    rewrite('resolution', Resolution, ({ note: _note, ...r }) => r);
    rewrite('writeBack', WriteBackNote, (w) => ({ ...w, detail: '' }));
    const tx = this.redis.multi().hset(key, fields);
    if (drop.length) tx.hdel(key, ...drop);
    await tx.exec();
    return true;
  }

  async get(ticketId: string): Promise<TicketView | undefined> {
    const h = await this.redis.hgetall(this.key(ticketId));
    if (!h.status || !h.receivedAt) return undefined;
    const receivedAt = h.receivedAt;
    const finishedAt = h.finishedAt;
    return TicketView.parse({
      ticketId,
      status: h.status,
      decision: h.decision ? (JSON.parse(h.decision) as unknown) : undefined,
      route: h.route ? (JSON.parse(h.route) as unknown) : undefined,
      error: h.error,
      deliveryError: h.deliveryError,
      resolution: h.resolution ? (JSON.parse(h.resolution) as unknown) : undefined,
      writeBack: h.writeBack ? (JSON.parse(h.writeBack) as unknown) : undefined,
      timings: {
        receivedAt,
        classificationStartedAt: h.classificationStartedAt,
        decidedAt: h.decidedAt,
        finishedAt,
        totalMs: finishedAt ? Date.parse(finishedAt) - Date.parse(receivedAt) : undefined,
      },
    });
  }
}
