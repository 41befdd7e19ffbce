import { z } from 'zod';
import { isoWeek } from '@switchboard/core';
import type { RedisClient as Redis } from './connection.js';
import { readEventLog } from './event-log.js';
import { luaScript, type LuaScript } from './lua-script.js';
import type { GuardedTier } from './payloads.js';

/**
 * The fleet-wide switch of the local tier, set by the live guard or by a person (`ops local off`).
 * While it is set, every classifier skips the local tier within one poll; the tickets go to the next
 * tier, or with none to a person.
 */
export const LocalSwitchState = z.object({
  off: z.literal(true),
  by: z.enum(['guard', 'operator']),
  since: z.iso.datetime(),
  reason: z.string().min(1),
  /** The model version that was judged, when the guard set it. */
  model: z.string().nullable().optional(),
});
export type LocalSwitchState = z.infer<typeof LocalSwitchState>;

/** Who judged: the next tier up (a spot check) or a person (ground truth). */
export type Judge = 'cheap' | 'strong' | 'human';

export interface Judgment {
  tier: GuardedTier;
  judge: Judge;
  /** The category the tier chose. */
  category: string;
  agreed: boolean;
  at: Date;
}

/** A guard event for the weekly report: a tier switched off or back on, and why. */
export const GuardEvent = z.object({
  at: z.iso.datetime(),
  tier: z.enum(['local', 'cheap']),
  action: z.enum(['off', 'on']),
  /** `retrain`: a newly promoted model, vetted on the desk's labels, ended a switch the guard had set. */
  by: z.enum(['guard', 'operator', 'retrain']),
  reason: z.string(),
});
export type GuardEvent = z.infer<typeof GuardEvent>;

/** Per week: `<tier>:<judge>:<category>` → judged and agreed counts. */
export type WeekAgreement = Record<string, { judged: number; agreed: number }>;

/** Long enough for a quarter of weekly reports. */
const WEEK_TTL_SECONDS = 100 * 24 * 3600;
const MAX_EVENTS = 500;

// KEYS: window list, week hash, people's window list. ARGV: 1 or 0, window size, hash field prefix,
// ttl, 1 when a person judged, people's window size. People's judgments also go in a list of their own: the guard holds
// them to a target of their own, and a busy desk's spot checks must not push them out of the window.
// Returns {judged, agreed, judged by people, agreed by people} over the windows after this judgment.
const JUDGE = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('HINCRBY', KEYS[2], ARGV[3] .. ':n', 1)
if ARGV[1] == '1' then redis.call('HINCRBY', KEYS[2], ARGV[3] .. ':agree', 1) end
redis.call('EXPIRE', KEYS[2], ARGV[4])
if ARGV[5] == '1' then
  redis.call('LPUSH', KEYS[3], ARGV[1])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
end
local function count(key)
  local all = redis.call('LRANGE', key, 0, -1)
  local agreed = 0
  for _, v in ipairs(all) do if v == '1' then agreed = agreed + 1 end end
  return #all, agreed
end
local judged, agreed = count(KEYS[1])
local people, peopleAgreed = count(KEYS[3])
return {judged, agreed, people, peopleAgreed}
`;

/** A tier's window: every judgment, and those of people (ground truth) apart. */
export interface GuardWindow {
  judged: number;
  agreed: number;
  people: { judged: number; agreed: number };
}

// Clears the local switch only when the live guard set it: a person's choice stays.
const RESUME = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'none' end
local ok, state = pcall(cjson.decode, raw)
if not ok or type(state) ~= 'table' or state.by ~= 'guard' then return 'kept' end
redis.call('DEL', KEYS[1])
return 'cleared'
`;

/**
 * What the live guard keeps in Redis: each guarded tier's most recent judgments (a capped list), the
 * agreement per ISO week and category for the weekly report and Prometheus, the local tier's switch
 * and a log of the guard's actions. The cheap tier's switch is the fallback switch drift also uses.
 */
export class TierGuardStore {
  private readonly judgeScript: LuaScript;
  private readonly resumeScript: LuaScript;
  private readonly switchKey: string;
  private readonly eventsKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.judgeScript = luaScript(redis, 'guard_judge_people', 3, JUDGE);
    this.resumeScript = luaScript(redis, 'guard_resume', 1, RESUME);
    this.switchKey = `${prefix}:tier-switch:local`;
    this.eventsKey = `${prefix}:guard:events`;
  }

  /** The key of a tier's window, for a store that clears it in its own script (the model registry). */
  windowKey(tier: GuardedTier): string {
    return `${this.prefix}:guard:${tier}:window`;
  }

  private peopleKey(tier: GuardedTier): string {
    return `${this.prefix}:guard:${tier}:people`;
  }

  /** Every key of a tier's judgment, for a store that clears them in its own script (the model registry). */
  windowKeys(tier: GuardedTier): string[] {
    return [this.windowKey(tier), this.peopleKey(tier)];
  }

  private weekKey(week: string): string {
    return `${this.prefix}:guard:week:${week}`;
  }

  /**
   * Records one judgment; returns the tier's window with it, in one round trip. People's judgments
   * also go in a shorter window of their own (`peopleWindow`), so a sudden fall shows within dozens.
   */
  async judge(j: Judgment, window: number, peopleWindow = window): Promise<GuardWindow> {
    const [judged, agreed, people, peopleAgreed] = (await this.judgeScript(
      [this.windowKey(j.tier), this.weekKey(isoWeek(j.at)), this.peopleKey(j.tier)],
      [
        j.agreed ? '1' : '0',
        window,
        `${j.tier}:${j.judge}:${j.category}`,
        WEEK_TTL_SECONDS,
        j.judge === 'human' ? '1' : '0',
        peopleWindow,
      ],
    )) as [number, number, number, number];
    return { judged, agreed, people: { judged: people, agreed: peopleAgreed } };
  }

  /** The tier's current window without adding to it. */
  async window(tier: GuardedTier): Promise<GuardWindow> {
    const [all, people] = await Promise.all([
      this.redis.lrange(this.windowKey(tier), 0, -1),
      this.redis.lrange(this.peopleKey(tier), 0, -1),
    ]);
    return {
      judged: all.length,
      agreed: all.filter((v) => v === '1').length,
      people: { judged: people.length, agreed: people.filter((v) => v === '1').length },
    };
  }

  /** Starts the tier's judgment afresh (a person switched it back on, or a new model took over). */
  async resetWindow(tier: GuardedTier): Promise<void> {
    await this.redis.del(...this.windowKeys(tier));
  }

  async weekAgreement(week: string): Promise<WeekAgreement> {
    const raw = await this.redis.hgetall(this.weekKey(week));
    const out: WeekAgreement = {};
    for (const [field, value] of Object.entries(raw)) {
      const m = /^(.+):(n|agree)$/.exec(field);
      if (!m?.[1]) continue;
      const cell = (out[m[1]] ??= { judged: 0, agreed: 0 });
      if (m[2] === 'n') cell.judged = Number(value);
      else cell.agreed = Number(value);
    }
    return out;
  }

  /**
   * The local switch as stored. A value that does not parse counts as off by a person, so a broken
   * switch never silently sends traffic back to a model that was taken out; `invalid` says so.
   */
  async localSwitch(): Promise<{ state: LocalSwitchState | null; invalid: boolean }> {
    const raw = await this.redis.get(this.switchKey);
    if (raw === null) return { state: null, invalid: false };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = LocalSwitchState.safeParse(json);
    if (parsed.success) return { state: parsed.data, invalid: false };
    const since = new Date(0).toISOString();
    return { state: { off: true, by: 'operator', since, reason: 'unreadable switch value' }, invalid: true };
  }

  /**
   * Switches the local tier off. The guard only sets an unset switch (a person's choice stays, and
   * two guards tripping at once report once); a person's `off` replaces whatever is there.
   * Returns whether this call changed the switch.
   */
  async switchLocalOff(state: LocalSwitchState): Promise<boolean> {
    const value = JSON.stringify(LocalSwitchState.parse(state));
    const set =
      state.by === 'guard'
        ? (await this.redis.set(this.switchKey, value, 'NX')) === 'OK'
        : (await this.redis.set(this.switchKey, value)) === 'OK';
    if (set) await this.logEvent({ at: state.since, tier: 'local', action: 'off', by: state.by, reason: state.reason });
    return set;
  }

  /** A person switches the local tier back on: the switch is cleared and its judgment starts afresh. */
  async switchLocalOn(reason: string, at: Date): Promise<boolean> {
    const cleared = (await this.redis.del(this.switchKey)) > 0;
    await this.resetWindow('local');
    if (cleared) await this.logEvent({ at: at.toISOString(), tier: 'local', action: 'on', by: 'operator', reason });
    return cleared;
  }

  /**
   * A new model was promoted and vetted on the desk's own labels: a switch the live guard set for its
   * predecessor is cleared (its window was reset by the promotion, so it judges the new model afresh).
   * A switch a person set stays. Returns whether the switch was cleared.
   */
  async resumeAfterGuard(reason: string, at: Date): Promise<boolean> {
    const outcome = await this.resumeScript([this.switchKey], []);
    if (outcome !== 'cleared') return false;
    await this.logEvent({ at: at.toISOString(), tier: 'local', action: 'on', by: 'retrain', reason });
    return true;
  }

  async logEvent(e: GuardEvent): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.eventsKey, JSON.stringify(GuardEvent.parse(e)))
      .ltrim(this.eventsKey, 0, MAX_EVENTS - 1)
      .exec();
  }

  /** Guard events in [from, to), oldest first; unreadable entries are skipped. */
  async events(from: Date, to: Date): Promise<GuardEvent[]> {
    return readEventLog(this.redis, this.eventsKey, GuardEvent, from, to);
  }
}
