import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Category, Priority, redactPii, TierName } from '@switchboard/core';
import type { RedisClient as Redis } from './connection.js';
import { luaScript, type LuaScript } from './lua-script.js';

/**
 * Where a training label came from, weakest last. A label never replaces a stronger one: a person's
 * (review desk) beats the helpdesk agent's final answer (feedback), which beats the strong tier, the
 * cheap tier confirmed by a spot check, and the cheap tier's own answer.
 */
export const LabelSource = z.enum(['human', 'feedback', 'strong', 'cheap_confirmed', 'cheap']);
export type LabelSource = z.infer<typeof LabelSource>;

/** Higher wins. */
export const LABEL_PRECEDENCE: Record<LabelSource, number> = {
  human: 5,
  feedback: 4,
  strong: 3,
  cheap_confirmed: 2,
  cheap: 1,
};

export const TrainingRow = z.object({
  ticketId: z.string().min(1),
  subject: z.string(),
  body: z.string(),
  language: z.string().optional(),
  category: Category,
  priority: Priority.optional(),
  source: LabelSource,
  /** Who decided the ticket in the pipeline (not who labelled it): the versions a report compares. */
  decidedBy: z.object({ tier: TierName.nullable(), model: z.string().nullable() }),
  /**
   * The guardrail sent it to people before any tier answered. Such tickets train models (a person's
   * label), but no tier ever sees their like, so they say nothing about how a tier would do.
   */
  critical: z.boolean().optional(),
  /** When the label was recorded. */
  at: z.iso.datetime(),
});
export type TrainingRow = z.infer<typeof TrainingRow>;

/** A ticket's text kept without a label yet, so a person's label (feedback, which carries no text) can be added later. */
export const TrainingText = TrainingRow.pick({
  ticketId: true,
  subject: true,
  body: true,
  language: true,
  decidedBy: true,
  critical: true,
  at: true,
});
export type TrainingText = z.infer<typeof TrainingText>;

/** A label for a ticket whose text the store already has (the feedback API carries no text). */
export const TrainingLabel = TrainingRow.pick({ category: true, priority: true, source: true, at: true });
export type TrainingLabel = z.infer<typeof TrainingLabel>;

export interface TrainingStoreOptions {
  /** Labelled rows older than this (by label time) are dropped. */
  retentionDays: number;
  /** At most this many labelled rows; the oldest go first. Unlabelled texts are capped at the same number. */
  maxRows: number;
  /** A `cheap` row is training data only once this old: until then a person may still correct it. */
  cheapConfirmDays: number;
  /** How long a ticket's text waits for a person's label when no tier's answer was kept (default 14). */
  unlabelledDays?: number;
  clock?: () => Date;
}

const DAY_MS = 86_400_000;
/** Rows dropped per write at most, so one write never stalls Redis however far behind trimming is. */
const TRIM_BUDGET = 200;

// The stored JSON carries the e-mail's hash (`e`) beside the row, so forgetting a ticket also takes it
// out of the customer's index; it is stripped on read.
// KEYS: rows hash, labelled zset, unlabelled zset, forgotten zset, e-mail set (or the rows key again when none)
// ARGV: id, json, rank (0 = text only), score ms, mode ('row' | 'text' | 'label'), labelled cutoff ms,
//       unlabelled cutoff ms, max rows, trim budget, e-mail ttl seconds (0 = none), ranks json, category,
//       priority ('' = none)
const RECORD = `
local rows, labelled, unlabelled, forgotten, emails = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, json, rank, score, mode = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
if redis.call('ZSCORE', forgotten, id) then return 0 end
local ranks = cjson.decode(ARGV[11])
local cur = redis.call('HGET', rows, id)
local changed = 0
if mode == 'label' then
  if not cur then return -1 end
  local c = cjson.decode(cur)
  local crank = 0
  if type(c.source) == 'string' then crank = ranks[c.source] or 0 end
  if crank > rank then return 0 end
  local prio = c.priority
  if type(prio) ~= 'string' then prio = '' end
  if crank == rank and c.category == ARGV[12] and prio == ARGV[13] then return 0 end
  redis.call('HSET', rows, id, json)
  redis.call('ZREM', unlabelled, id)
  redis.call('ZADD', labelled, score, id)
  changed = 1
elseif mode == 'text' then
  if cur then return 0 end
  redis.call('HSET', rows, id, json)
  redis.call('ZADD', unlabelled, score, id)
  changed = 1
else
  local crank = 0
  local same = false
  if cur then
    local c = cjson.decode(cur)
    if type(c.source) == 'string' then crank = ranks[c.source] or 0 end
    local prio = c.priority
    if type(prio) ~= 'string' then prio = '' end
    same = c.category == ARGV[12] and prio == ARGV[13]
  end
  if cur and (crank > rank or (crank == rank and same)) then
    changed = 0
  else
    redis.call('HSET', rows, id, json)
    redis.call('ZREM', unlabelled, id)
    redis.call('ZADD', labelled, score, id)
    changed = 1
  end
end
if emails ~= rows then
  redis.call('SADD', emails, id)
  redis.call('EXPIRE', emails, tonumber(ARGV[10]))
end
local budget = tonumber(ARGV[9])
local function drop(zset, ids)
  for _, x in ipairs(ids) do
    redis.call('HDEL', rows, x)
    redis.call('ZREM', zset, x)
  end
  budget = budget - #ids
end
local function trim(zset, cutoff, max)
  if budget <= 0 then return end
  drop(zset, redis.call('ZRANGEBYSCORE', zset, '-inf', '(' .. cutoff, 'LIMIT', 0, budget))
  local over = redis.call('ZCARD', zset) - max
  if over > 0 and budget > 0 then
    drop(zset, redis.call('ZRANGE', zset, 0, math.min(over, budget) - 1))
  end
end
trim(labelled, ARGV[6], tonumber(ARGV[8]))
trim(unlabelled, ARGV[7], tonumber(ARGV[8]))
return changed
`;

// KEYS: rows, labelled, unlabelled, forgotten. ARGV: id, now ms, forgotten cutoff ms.
// Returns the e-mail hash the row carried ('' when none) and whether a row was there.
const FORGET = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[3])
if not cur then return {0, ''} end
local ok, c = pcall(cjson.decode, cur)
local e = ''
if ok and type(c.e) == 'string' then e = c.e end
return {1, e}
`;

/** The e-mail's index key part: a hash, so the index holds no address (a pseudonym, not anonymity). */
export function emailHash(email: string): string {
  return createHash('sha256').update(`switchboard-training:${email.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

const redactRow = <T extends { subject: string; body: string }>(row: T): T => ({
  ...row,
  subject: redactPii(row.subject).text,
  body: redactPii(row.body).text,
});

/**
 * What the free tier learns from: each finished ticket's text (redacted as for models), its label and
 * where the label came from, who decided the ticket, and when. One row per ticket; a weaker label
 * never replaces a stronger one (`LABEL_PRECEDENCE`). Bounded by age and by row count, trimmed on
 * write, oldest first.
 *
 * Keys: `<prefix>:training:rows` (hash, ticket id → JSON), `:labelled` and `:unlabelled` (sorted sets by
 * time, for windows and trimming), `:forgotten` (erased ticket ids, so a late job cannot write them
 * back), `:email:<hash>` (the ticket ids of one customer, for erasure requests).
 */
export class TrainingStore {
  private readonly recordScript: LuaScript;
  private readonly forgetScript: LuaScript;
  private readonly keys: { rows: string; labelled: string; unlabelled: string; forgotten: string };
  private readonly clock: () => Date;
  private readonly unlabelledDays: number;
  private readonly ranks = JSON.stringify(LABEL_PRECEDENCE);

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly opts: TrainingStoreOptions,
  ) {
    this.recordScript = luaScript(redis, 'training_record', 5, RECORD);
    this.forgetScript = luaScript(redis, 'training_forget', 4, FORGET);
    const k = `${prefix}:training`;
    this.keys = {
      rows: `${k}:rows`,
      labelled: `${k}:labelled`,
      unlabelled: `${k}:unlabelled`,
      forgotten: `${k}:forgotten`,
    };
    this.clock = opts.clock ?? (() => new Date());
    this.unlabelledDays = opts.unlabelledDays ?? 14;
  }

  private emailKey(hash: string): string {
    return `${this.prefix}:training:email:${hash}`;
  }

  private async write(
    mode: 'row' | 'text' | 'label',
    id: string,
    stored: Record<string, unknown>,
    at: string,
    rank: number,
    label: { category: string; priority?: string | undefined } | undefined,
    customerEmail: string | undefined,
  ): Promise<number> {
    const now = this.clock().getTime();
    const email = customerEmail ? emailHash(customerEmail) : undefined;
    const json = JSON.stringify(email ? { ...stored, e: email } : stored);
    const res = await this.recordScript(
      [
        this.keys.rows,
        this.keys.labelled,
        this.keys.unlabelled,
        this.keys.forgotten,
        email ? this.emailKey(email) : this.keys.rows,
      ],
      [
        id,
        json,
        rank,
        Date.parse(at),
        mode,
        now - this.opts.retentionDays * DAY_MS,
        now - this.unlabelledDays * DAY_MS,
        this.opts.maxRows,
        TRIM_BUDGET,
        Math.ceil(this.opts.retentionDays * 86_400),
        this.ranks,
        label?.category ?? '',
        label?.priority ?? '',
      ],
    );
    return Number(res);
  }

  /**
   * Upserts the ticket's row; a label of lower precedence never replaces a higher one (human wins), and
   * the same label again changes nothing. Returns whether the row changed. Also indexes the customer's
   * e-mail (hashed) for erasure. The text is redacted here, whatever the caller did.
   */
  async record(row: TrainingRow, customerEmail?: string): Promise<boolean> {
    const r = redactRow(TrainingRow.parse(row));
    const res = await this.write(
      'row',
      r.ticketId,
      r,
      r.at,
      LABEL_PRECEDENCE[r.source],
      { category: r.category, priority: r.priority },
      customerEmail,
    );
    return res === 1;
  }

  /**
   * Keeps a ticket's text without a label (the local or rule tier decided it, or it went to a person),
   * for `unlabelledDays`, so a later person's label (`label`) can make it a row. Never touches a ticket
   * the store already has.
   */
  async keepText(text: TrainingText, customerEmail?: string): Promise<boolean> {
    const t = redactRow(TrainingText.parse(text));
    return (await this.write('text', t.ticketId, t, t.at, 0, undefined, customerEmail)) === 1;
  }

  /**
   * Labels a ticket whose text the store holds (a row or a kept text), with the same precedence as
   * `record`. 'changed', 'unchanged' (an equal or stronger label is there), or 'no_text' (the store
   * never had the ticket's text, or it was trimmed or forgotten).
   */
  async label(ticketId: string, label: TrainingLabel): Promise<'changed' | 'unchanged' | 'no_text'> {
    const l = TrainingLabel.parse(label);
    const raw = await this.redis.hget(this.keys.rows, ticketId);
    if (raw === null) return 'no_text';
    const cur = JSON.parse(raw) as Record<string, unknown>;
    const next = { ...cur, category: l.category, priority: l.priority, source: l.source, at: l.at };
    if (l.priority === undefined) delete next.priority;
    // The script checks precedence against what is stored at that moment, and writes only over a row
    // that still exists, so an erasure between the read and the write is not undone.
    const res = await this.write(
      'label',
      ticketId,
      next,
      l.at,
      LABEL_PRECEDENCE[l.source],
      { category: l.category, priority: l.priority },
      undefined,
    );
    return res === 1 ? 'changed' : res === -1 ? 'no_text' : 'unchanged';
  }

  private parseStored(raw: string | null): TrainingRow | undefined {
    if (raw === null) return undefined;
    try {
      const parsed = TrainingRow.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** The ticket's labelled row, if any. */
  async get(ticketId: string): Promise<TrainingRow | undefined> {
    return this.parseStored(await this.redis.hget(this.keys.rows, ticketId));
  }

  /**
   * Rows labelled in [from, to), oldest first; `cheap` rows only once older than cheapConfirmDays
   * (nobody corrected them in time). Optionally only some sources.
   */
  async rows(opts: { from?: Date; to?: Date; sources?: LabelSource[] } = {}): Promise<TrainingRow[]> {
    const min = opts.from ? String(opts.from.getTime()) : '-inf';
    const max = opts.to ? `(${opts.to.getTime()}` : '+inf';
    const ids = await this.redis.zrangebyscore(this.keys.labelled, min, max);
    const cheapBefore = this.clock().getTime() - this.opts.cheapConfirmDays * DAY_MS;
    const wanted = opts.sources ? new Set(opts.sources) : undefined;
    const out: TrainingRow[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const raws = await this.redis.hmget(this.keys.rows, ...chunk);
      for (const raw of raws) {
        const row = this.parseStored(raw);
        if (!row) continue;
        if (wanted && !wanted.has(row.source)) continue;
        if (row.source === 'cheap' && Date.parse(row.at) >= cheapBefore) continue;
        out.push(row);
      }
    }
    return out;
  }

  /** Labelled rows held (cheap rows still in their correction window included). */
  async count(): Promise<number> {
    return this.redis.zcard(this.keys.labelled);
  }

  /** Texts waiting for a person's label. */
  async unlabelledCount(): Promise<number> {
    return this.redis.zcard(this.keys.unlabelled);
  }

  private async emailKeys(): Promise<string[]> {
    const pattern = `${this.prefix}:training:email:*`;
    const nodes = 'nodes' in this.redis ? this.redis.nodes('master') : [this.redis];
    const out: string[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        out.push(...keys);
      } while (cursor !== '0');
    }
    return out;
  }

  /**
   * Bytes Redis uses for the store (MEMORY USAGE, every field counted, over all its keys) and its labelled
   * rows and kept texts, for bytes per ticket. Walks every key: an operator's measurement, not a hot path.
   */
  async usage(): Promise<{ rows: number; unlabelled: number; bytes: number }> {
    const keys = [...Object.values(this.keys), ...(await this.emailKeys())];
    let bytes = 0;
    for (const key of keys) {
      const b = (await this.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
      bytes += b ?? 0;
    }
    return { rows: await this.count(), unlabelled: await this.unlabelledCount(), bytes };
  }

  /**
   * Erases a ticket from the store (row or kept text, and its place in its customer's index) and
   * remembers its id for the retention, so a late job cannot write its text back. True when a row was there.
   */
  async forgetTicket(ticketId: string): Promise<boolean> {
    const now = this.clock().getTime();
    const res = (await this.forgetScript(
      [this.keys.rows, this.keys.labelled, this.keys.unlabelled, this.keys.forgotten],
      [ticketId, now, now - this.opts.retentionDays * DAY_MS],
    )) as [number, string];
    const [had, email] = res;
    if (email) await this.redis.srem(this.emailKey(email), ticketId);
    return had === 1;
  }

  /** Ticket ids whose customer e-mail was this address (from the hashed index). */
  async ticketsOfEmail(email: string): Promise<string[]> {
    return (await this.redis.smembers(this.emailKey(emailHash(email)))).sort();
  }

  /** Drops the customer's index once their tickets are forgotten. */
  async forgetEmail(email: string): Promise<boolean> {
    return (await this.redis.del(this.emailKey(emailHash(email)))) > 0;
  }
}
