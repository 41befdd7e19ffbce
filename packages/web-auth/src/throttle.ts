import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * How many failed sign-ins one key (a username, or a client address) gets before it must wait:
 * `freeFailures` cost nothing, each further one doubles the wait from `baseDelayMs`, and from
 * `lockoutAfter` failures the key is locked for `lockoutMs` after its last failure. Failures are
 * forgotten `windowMs` after the last one.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  lockoutAfter: number;
  lockoutMs: number;
  windowMs: number;
}

export interface ThrottlePolicies {
  user: ThrottlePolicy;
  /** Looser than per user: an office behind one NAT address shares it. */
  address: ThrottlePolicy;
}

export const DEFAULT_THROTTLE: ThrottlePolicies = {
  user: { freeFailures: 5, baseDelayMs: 1_000, lockoutAfter: 10, lockoutMs: 15 * 60_000, windowMs: 15 * 60_000 },
  address: { freeFailures: 20, baseDelayMs: 1_000, lockoutAfter: 50, lockoutMs: 15 * 60_000, windowMs: 15 * 60_000 },
};

export type ThrottleScope = 'user' | 'address';

export interface Throttled {
  scope: ThrottleScope;
  retryAfterMs: number;
  /** Past `lockoutAfter`: locked for the whole window, not backing off. */
  locked: boolean;
}

interface FailureState {
  failures: number;
  lastAt: number;
}

/** Where failure counts live; Redis so every replica of an app counts the same attempts. */
export interface ThrottleStore {
  get(key: string): Promise<FailureState | null>;
  fail(key: string, now: number, ttlMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface LoginThrottle {
  /** Whether `username` from `address` must wait; asked before any password is hashed. */
  check(username: string, address: string): Promise<Throttled | null>;
  failed(username: string, address: string): Promise<void>;
  /** A correct password forgives the user's failures; the address keeps its count until its window ends. */
  succeeded(username: string): Promise<void>;
}

export function waitFor(state: FailureState | null, policy: ThrottlePolicy, now: number): Omit<Throttled, 'scope'> {
  if (!state || state.failures < policy.freeFailures) return { retryAfterMs: 0, locked: false };
  if (state.failures >= policy.lockoutAfter)
    return { retryAfterMs: Math.max(0, state.lastAt + policy.lockoutMs - now), locked: true };
  const delay = Math.min(policy.lockoutMs, policy.baseDelayMs * 2 ** (state.failures - policy.freeFailures));
  return { retryAfterMs: Math.max(0, state.lastAt + delay - now), locked: false };
}

// Usernames are attacker-chosen text: hashed, so a key is short and holds nothing anyone typed.
const userKey = (username: string): string =>
  `user:${createHash('sha256').update(username.toLowerCase()).digest('base64url').slice(0, 22)}`;
const addressKey = (address: string): string => `addr:${address.slice(0, 64)}`;

export function loginThrottle(
  store: ThrottleStore,
  policies: ThrottlePolicies = DEFAULT_THROTTLE,
  clock: () => number = Date.now,
): LoginThrottle {
  const ttl = (p: ThrottlePolicy): number => Math.max(p.windowMs, p.lockoutMs);
  return {
    async check(username, address) {
      const now = clock();
      const [u, a] = await Promise.all([store.get(userKey(username)), store.get(addressKey(address))]);
      const byUser = { scope: 'user' as const, ...waitFor(u, policies.user, now) };
      const byAddress = { scope: 'address' as const, ...waitFor(a, policies.address, now) };
      const worst = byUser.retryAfterMs >= byAddress.retryAfterMs ? byUser : byAddress;
      return worst.retryAfterMs > 0 ? worst : null;
    },
    async failed(username, address) {
      const now = clock();
      await Promise.all([
        store.fail(userKey(username), now, ttl(policies.user)),
        store.fail(addressKey(address), now, ttl(policies.address)),
      ]);
    },
    async succeeded(username) {
      await store.clear(userKey(username));
    },
  };
}

/** Failure counts in Redis under `keyPrefix`, each expiring with its window. */
export function redisThrottleStore(redis: Redis | Cluster, keyPrefix: string): ThrottleStore {
  const key = (k: string): string => `${keyPrefix}:${k}`;
  return {
    async get(k) {
      const h = await redis.hgetall(key(k));
      const failures = Number(h.failures);
      const lastAt = Number(h.lastAt);
      return Number.isFinite(failures) && Number.isFinite(lastAt) && failures > 0 ? { failures, lastAt } : null;
    },
    async fail(k, now, ttlMs) {
      await redis
        .multi()
        .hincrby(key(k), 'failures', 1)
        .hset(key(k), 'lastAt', now)
        .pexpire(key(k), Math.ceil(ttlMs))
        .exec();
    },
    async clear(k) {
      await redis.del(key(k));
    },
  };
}

/** For one process (tests, a single replica without Redis at hand); bounded so a flood of names cannot grow it. */
export function memoryThrottleStore(maxKeys = 10_000): ThrottleStore {
  const entries = new Map<string, FailureState & { until: number }>();
  return {
    get(k) {
      const e = entries.get(k);
      return Promise.resolve(!e || e.until <= Date.now() ? null : { failures: e.failures, lastAt: e.lastAt });
    },
    fail(k, now, ttlMs) {
      const e = entries.get(k);
      const failures = e && e.until > Date.now() ? e.failures + 1 : 1;
      entries.delete(k);
      if (entries.size >= maxKeys) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(k, { failures, lastAt: now, until: Date.now() + ttlMs });
      return Promise.resolve();
    },
    clear(k) {
      entries.delete(k);
      return Promise.resolve();
    },
  };
}
