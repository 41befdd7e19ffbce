import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

/**
 * What the server keeps for a signed-in browser. The roles are not kept: they come from the user
 * list. `credential` fingerprints the password hash the user signed in with, so a new password
 * (after a leak, say) ends every session started with the old one.
 */
const StoredSession = z.object({ username: z.string(), exp: z.number(), credential: z.string() });
export type StoredSession = z.infer<typeof StoredSession>;

export interface SessionStore {
  /** A new session until `exp` (epoch ms); returns its id, which the browser holds in a cookie. */
  create(session: StoredSession, ttlMs: number): Promise<string>;
  /** The session, or null when it never existed, expired or was signed out. */
  get(id: string): Promise<StoredSession | null>;
  /** Signs the session out: its cookie, wherever it was copied, opens nothing afterwards. */
  revoke(id: string): Promise<void>;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions kept in Redis under `keyPrefix`, so signing out ends a session for good (a cookie copied
 * before is worthless), every replica of an app behind a load balancer sees the same sessions, and
 * a restart signs nobody out. Ids are 256 random bits.
 */
export function redisSessionStore(redis: Redis | Cluster, keyPrefix: string): SessionStore {
  const key = (id: string): string => `${keyPrefix}:${id}`;
  return {
    async create(session, ttlMs) {
      const id = randomBytes(32).toString('base64url');
      await redis.set(key(id), JSON.stringify(StoredSession.parse(session)), 'PX', Math.max(1, Math.ceil(ttlMs)));
      return id;
    },
    async get(id) {
      if (!SESSION_ID.test(id)) return null;
      const raw = await redis.get(key(id));
      if (raw === null) return null;
      try {
        const parsed = StoredSession.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async revoke(id) {
      if (SESSION_ID.test(id)) await redis.del(key(id));
    },
  };
}
