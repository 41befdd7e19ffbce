import { z } from 'zod';
import type { RedisClient as Redis } from './connection.js';
import { readEventLog } from './event-log.js';
import { luaScript, type LuaScript } from './lua-script.js';

export type ModelStatus = 'champion' | 'previous' | 'candidate' | 'rejected';

export const RegistryEntry = z.object({
  version: z.string(),
  trainedAt: z.string(),
  addedAt: z.string(),
  /** `previous`: a former champion (the most recent one is where `rollback` goes). */
  status: z.enum(['champion', 'previous', 'candidate', 'rejected']),
  source: z.enum(['file', 'retrain', 'operator']),
  note: z.string().optional(),
  /** Why it was promoted, rejected or rolled back from. */
  reason: z.string().optional(),
  /** Size of the model file's text in UTF-8 bytes. */
  bytes: z.number().int().nonnegative(),
  /**
   * When the model was judged good enough on this desk's own labels (by the retrain job, or vouched
   * for by a person). Until then the local tier runs it on probation: its answers are recorded, not used.
   */
  vetted: z.object({ at: z.string(), by: z.enum(['retrain', 'operator']), why: z.string() }).optional(),
});
export type RegistryEntry = z.infer<typeof RegistryEntry>;

export const RegistryEvent = z.object({
  at: z.string(),
  action: z.enum(['promote', 'rollback', 'reject', 'vet']),
  /** The version promoted, rolled back to, or rejected. */
  version: z.string(),
  by: z.string(),
  reason: z.string(),
  /** The champion it replaced (promote, rollback). */
  from: z.string().optional(),
});
export type RegistryEvent = z.infer<typeof RegistryEvent>;

/** A promotion, rollback or rejection the registry refused, with a message for a person. */
export class ModelRegistryError extends Error {
  override name = 'ModelRegistryError';
}

export interface ModelRegistryOptions {
  /** Model files kept besides the champion and the previous one, newest first (default 5). */
  keep?: number;
  /** Metadata entries kept (default 200); the champion's and the previous one's always stay. */
  maxEntries?: number;
  /**
   * Keys deleted in the same script as a promotion or rollback. The fleet passes the live guard's
   * local window, so a new model is judged afresh and never switched off for its predecessor's answers.
   */
  clearOnChange?: readonly string[];
}

// Versions appear in logs, decision records and command lines: printable, no spaces, bounded.
const VERSION = /^[\x21-\x7e]{1,200}$/;
const MAX_EVENTS = 500;
const HISTORY = 50;

// Shared Lua: update one entry's status/reason, and drop file texts and metadata beyond the bounds.
// KEYS (every script): 1 entries hash, 2 files hash, 3 added zset, 4 current, 5 history list, 6 events.
const HELPERS = `
local function setStatus(v, status, reason)
  local raw = redis.call('HGET', KEYS[1], v)
  if not raw then return end
  local e = cjson.decode(raw)
  e.status = status
  if reason then e.reason = reason end
  redis.call('HSET', KEYS[1], v, cjson.encode(e))
end
local function prune(keep, maxEntries)
  local protect = {}
  local cur = redis.call('GET', KEYS[4])
  if cur then protect[cur] = true end
  local prev = redis.call('LINDEX', KEYS[5], 1)
  if prev then protect[prev] = true end
  local all = redis.call('ZREVRANGE', KEYS[3], 0, -1)
  local others = 0
  for _, v in ipairs(all) do
    if not protect[v] then
      others = others + 1
      if others > keep then redis.call('HDEL', KEYS[2], v) end
      if others > maxEntries then
        redis.call('HDEL', KEYS[1], v)
        redis.call('ZREM', KEYS[3], v)
        redis.call('LREM', KEYS[5], 0, v)
      end
    end
  end
end
local function logEvent(e, ev)
  redis.call('LPUSH', KEYS[6], e)
  redis.call('LTRIM', KEYS[6], 0, tonumber(ev) - 1)
end
`;

// ARGV: version, json, entry JSON, order (a fleet-wide counter), keep, maxEntries.
// Returns {entry JSON, created (1/0)}.
const ADD = `${HELPERS}
local v = ARGV[1]
local existing = redis.call('HGET', KEYS[1], v)
local created = 0
if not existing then
  redis.call('HSET', KEYS[1], v, ARGV[3])
  existing = ARGV[3]
  created = 1
end
if redis.call('HEXISTS', KEYS[2], v) == 0 then
  redis.call('HSET', KEYS[2], v, ARGV[2])
  -- A new file, or a pruned one brought back: the newest, so retention keeps it.
  redis.call('ZADD', KEYS[3], tonumber(ARGV[4]), v)
end
prune(tonumber(ARGV[5]), tonumber(ARGV[6]))
return {existing, created}
`;

// ARGV: version, by, reason, at, keep, maxEntries, events max. KEYS[7..]: cleared on change.
// Returns {'ok', old champion or ''} | {'same'} | {'unknown'} | {'nofile'}.
const PROMOTE = `${HELPERS}
local v = ARGV[1]
if redis.call('HEXISTS', KEYS[2], v) == 0 then
  if redis.call('HEXISTS', KEYS[1], v) == 0 then return {'unknown'} end
  return {'nofile'}
end
local cur = redis.call('GET', KEYS[4])
if cur == v then return {'same'} end
if cur then setStatus(cur, 'previous', nil) end
setStatus(v, 'champion', ARGV[3])
redis.call('LREM', KEYS[5], 0, v)
redis.call('LPUSH', KEYS[5], v)
redis.call('LTRIM', KEYS[5], 0, ${HISTORY - 1})
redis.call('SET', KEYS[4], v)
local e = {at = ARGV[4], action = 'promote', version = v, by = ARGV[2], reason = ARGV[3]}
if cur then e.from = cur end
logEvent(cjson.encode(e), ARGV[7])
for i = 7, #KEYS do redis.call('DEL', KEYS[i]) end
prune(tonumber(ARGV[5]), tonumber(ARGV[6]))
return {'ok', cur or ''}
`;

// ARGV: by, reason, at, keep, maxEntries, events max. Returns {'ok', to, from} | {'none'} | {'nofile', prev}.
const ROLLBACK = `${HELPERS}
local cur = redis.call('GET', KEYS[4])
local prev = redis.call('LINDEX', KEYS[5], 1)
if not cur or not prev then return {'none'} end
if redis.call('HEXISTS', KEYS[2], prev) == 0 then return {'nofile', prev} end
redis.call('LPOP', KEYS[5])
redis.call('SET', KEYS[4], prev)
setStatus(cur, 'rejected', 'rolled back by ' .. ARGV[1] .. ': ' .. ARGV[2])
setStatus(prev, 'champion', 'restored by a rollback: ' .. ARGV[2])
logEvent(cjson.encode({at = ARGV[3], action = 'rollback', version = prev, by = ARGV[1], reason = ARGV[2], from = cur}), ARGV[6])
for i = 7, #KEYS do redis.call('DEL', KEYS[i]) end
prune(tonumber(ARGV[4]), tonumber(ARGV[5]))
return {'ok', prev, cur}
`;

// ARGV: version, reason, at, events max. Returns 'ok' | 'unknown' | 'champion'.
const REJECT = `${HELPERS}
local v = ARGV[1]
if redis.call('HEXISTS', KEYS[1], v) == 0 then return 'unknown' end
if redis.call('GET', KEYS[4]) == v then return 'champion' end
setStatus(v, 'rejected', ARGV[2])
-- A rejected model is never where a rollback goes.
redis.call('LREM', KEYS[5], 0, v)
logEvent(cjson.encode({at = ARGV[3], action = 'reject', version = v, by = 'registry', reason = ARGV[2]}), ARGV[4])
return 'ok'
`;

// ARGV: version, vetted JSON, by, reason, at, max events.
const VET = `${HELPERS}
local v = ARGV[1]
local raw = redis.call('HGET', KEYS[1], v)
if not raw then return 'unknown' end
local e = cjson.decode(raw)
if e.vetted then return 'already' end
e.vetted = cjson.decode(ARGV[2])
redis.call('HSET', KEYS[1], v, cjson.encode(e))
logEvent(cjson.encode({at = ARGV[5], action = 'vet', version = v, by = ARGV[3], reason = ARGV[4]}), ARGV[6])
return 'ok'
`;

// Returns {version, json} | {version} (file missing) | {}.
const CURRENT = `
local v = redis.call('GET', KEYS[4])
if not v then return {} end
local json = redis.call('HGET', KEYS[2], v)
if not json then return {v} end
return {v, json}
`;

/**
 * The fleet's local models in Redis: every model file's text under its version, the champion
 * pointer that every classifier polls, the champion history a rollback walks back, and a log of
 * promotions, rollbacks and rejections. All keys sit under the fleet prefix (a hash tag on Redis
 * Cluster), so each change is one Lua script on one slot: a promotion is seen whole or not at all.
 *
 * Bounded: file texts are kept for the champion, the previous champion and the newest `keep`
 * others; older texts are deleted, their metadata stays (up to `maxEntries`).
 */
export class ModelRegistry {
  private readonly keys: readonly string[];
  private readonly clearOnChange: readonly string[];
  private readonly keep: number;
  private readonly maxEntries: number;
  private readonly addScript: LuaScript;
  private readonly promoteScript: LuaScript;
  private readonly rollbackScript: LuaScript;
  private readonly rejectScript: LuaScript;
  private readonly vetScript: LuaScript;
  private readonly currentScript: LuaScript;
  private readonly currentKey: string;
  private readonly seqKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    opts: ModelRegistryOptions = {},
  ) {
    const k = (name: string): string => `${prefix}:models:${name}`;
    this.currentKey = k('current');
    this.seqKey = k('seq');
    this.keys = [k('entries'), k('files'), k('added'), this.currentKey, k('history'), k('events')];
    this.clearOnChange = opts.clearOnChange ?? [];
    this.keep = opts.keep ?? 5;
    this.maxEntries = Math.max(opts.maxEntries ?? 200, this.keep);
    if (!Number.isInteger(this.keep) || this.keep < 0) throw new Error('ModelRegistry keep must be an integer ≥ 0');
    this.addScript = luaScript(redis, 'models_add', 6, ADD);
    this.promoteScript = luaScript(
      redis,
      `models_promote_${this.clearOnChange.length}`,
      6 + this.clearOnChange.length,
      PROMOTE,
    );
    this.rollbackScript = luaScript(
      redis,
      `models_rollback_${this.clearOnChange.length}`,
      6 + this.clearOnChange.length,
      ROLLBACK,
    );
    this.rejectScript = luaScript(redis, 'models_reject', 6, REJECT);
    this.vetScript = luaScript(redis, 'models_vet', 6, VET);
    this.currentScript = luaScript(redis, 'models_current', 6, CURRENT);
  }

  /** Stores a model file's JSON text under its version (idempotent); returns the entry. status 'candidate'. */
  async add(
    version: string,
    json: string,
    info: { trainedAt: string; source: RegistryEntry['source']; note?: string },
  ): Promise<RegistryEntry> {
    return (await this.put(version, json, info)).entry;
  }

  /**
   * `add`, also saying whether the version was new to the registry (false: it was there already,
   * and keeps its status). A version whose text had been pruned gets it back.
   */
  async put(
    version: string,
    json: string,
    info: { trainedAt: string; source: RegistryEntry['source']; note?: string },
  ): Promise<{ entry: RegistryEntry; created: boolean }> {
    checkVersion(version);
    if (!json.trim()) throw new ModelRegistryError(`model ${version}: the file text is empty`);
    const entry = RegistryEntry.parse({
      version,
      trainedAt: info.trainedAt,
      addedAt: new Date().toISOString(),
      status: 'candidate',
      source: info.source,
      ...(info.note !== undefined ? { note: info.note } : {}),
      bytes: Buffer.byteLength(json, 'utf8'),
    } satisfies RegistryEntry);
    // The order of additions comes from a counter, not the clock: machines' clocks disagree.
    const seq = await this.redis.incr(this.seqKey);
    const [raw, created] = (await this.addScript(this.keys, [
      version,
      json,
      JSON.stringify(entry),
      seq,
      this.keep,
      this.maxEntries,
    ])) as [string, number];
    return { entry: parseEntry(raw) ?? entry, created: created === 1 };
  }

  /** The champion's version (one GET: classifiers poll this), or null when empty. */
  currentVersion(): Promise<string | null> {
    return this.redis.get(this.currentKey);
  }

  /** The champion's file text and version. */
  async current(): Promise<{ version: string; json: string } | null> {
    const [version, json] = (await this.currentScript(this.keys, [])) as [string?, string?];
    if (version === undefined) return null;
    if (json === undefined) throw new ModelRegistryError(`the champion ${version} has no stored file`);
    return { version, json };
  }

  /** The entry and file text; null when the version is unknown or its text was pruned (see `entry`). */
  async get(version: string): Promise<{ entry: RegistryEntry; json: string } | null> {
    const [raw, json] = await Promise.all([
      this.redis.hget(this.keys[0] as string, version),
      this.redis.hget(this.keys[1] as string, version),
    ]);
    const entry = raw === null ? null : parseEntry(raw);
    return entry && json !== null ? { entry, json } : null;
  }

  /** The metadata alone (kept after the text is pruned), and whether the text is still stored. */
  async entry(version: string): Promise<(RegistryEntry & { stored: boolean }) | null> {
    const [raw, stored] = await Promise.all([
      this.redis.hget(this.keys[0] as string, version),
      this.redis.hexists(this.keys[1] as string, version),
    ]);
    const entry = raw === null ? null : parseEntry(raw);
    return entry ? { ...entry, stored: stored === 1 } : null;
  }

  /**
   * Makes `version` the champion (atomically; the old champion becomes 'previous'); logs an event
   * and clears `clearOnChange` (the live guard's local window). Promoting the champion is a no-op.
   */
  async promote(version: string, by: 'retrain' | 'operator' | 'file', reason: string): Promise<void> {
    checkVersion(version);
    const [outcome] = (await this.promoteScript(
      [...this.keys, ...this.clearOnChange],
      [version, by, reason, new Date().toISOString(), this.keep, this.maxEntries, MAX_EVENTS],
    )) as [string, string?];
    if (outcome === 'unknown') throw new ModelRegistryError(`model ${version} is not in the registry (see model list)`);
    if (outcome === 'nofile')
      throw new ModelRegistryError(
        `model ${version}'s file was pruned from the registry (only the newest are kept); add its file again to promote it`,
      );
  }

  /** Back to the previous champion; throws a clear error when there is none. Returns the version now champion. */
  async rollback(by: string, reason: string): Promise<string> {
    const [outcome, to] = (await this.rollbackScript(
      [...this.keys, ...this.clearOnChange],
      [by, reason, new Date().toISOString(), this.keep, this.maxEntries, MAX_EVENTS],
    )) as [string, string?, string?];
    if (outcome === 'none')
      throw new ModelRegistryError('no previous champion to roll back to (see model list; promote a version instead)');
    if (outcome === 'nofile')
      throw new ModelRegistryError(
        `the previous champion ${to ?? ''} has no stored file any more; promote a version that has one (model list)`,
      );
    return to as string;
  }

  /** Keeps a candidate as rejected with the reason (shown by `model list` and the weekly report). */
  async reject(version: string, reason: string): Promise<void> {
    const outcome = await this.rejectScript(this.keys, [version, reason, new Date().toISOString(), MAX_EVENTS]);
    if (outcome === 'unknown') throw new ModelRegistryError(`model ${version} is not in the registry`);
    if (outcome === 'champion')
      throw new ModelRegistryError(`model ${version} is the champion: roll back or promote another one first`);
  }

  /**
   * Marks a model as judged good enough on this desk's own labels, which ends its probation in the
   * local tier. Returns false when it already was (the first judgment stays).
   */
  async vet(version: string, by: 'retrain' | 'operator', why: string): Promise<boolean> {
    checkVersion(version);
    const at = new Date().toISOString();
    const outcome = await this.vetScript(this.keys, [
      version,
      JSON.stringify({ at, by, why }),
      by,
      why,
      at,
      MAX_EVENTS,
    ]);
    if (outcome === 'unknown') throw new ModelRegistryError(`model ${version} is not in the registry (see model list)`);
    return outcome === 'ok';
  }

  /** Whether the model was judged on this desk's labels (one HGET: classifiers poll it while on probation). */
  async isVetted(version: string): Promise<boolean> {
    const raw = await this.redis.hget(this.keys[0] as string, version);
    return raw !== null && parseEntry(raw)?.vetted !== undefined;
  }

  /** Newest first. */
  async list(): Promise<RegistryEntry[]> {
    const versions = await this.redis.zrevrange(this.keys[2] as string, 0, -1);
    if (versions.length === 0) return [];
    const raws = await this.redis.hmget(this.keys[0] as string, ...versions);
    return raws.flatMap((r) => (r === null ? [] : (parseEntry(r) ?? [])));
  }

  /** Which versions still have their file text (for `model list`). */
  async storedVersions(): Promise<Set<string>> {
    return new Set(await this.redis.hkeys(this.keys[1] as string));
  }

  /** Promotions, rollbacks and rejections in [from, to), oldest first, for the weekly report. */
  async events(from: Date, to: Date): Promise<RegistryEvent[]> {
    return readEventLog(this.redis, this.keys[5] as string, RegistryEvent, from, to);
  }
}

function checkVersion(version: string): void {
  if (!VERSION.test(version))
    throw new ModelRegistryError(
      `model version ${JSON.stringify(version)} must be 1–200 printable characters, no spaces`,
    );
}

function parseEntry(raw: string): RegistryEntry | null {
  try {
    const parsed = RegistryEntry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
