import { z } from 'zod';
import { Role } from './users.js';

/** What the signed session cookie carries: who, in which roles, until when. */
export const SessionUser = z.object({ username: z.string(), roles: z.array(Role), exp: z.number() });
export type SessionUser = z.infer<typeof SessionUser>;

export const encodeSession = (s: SessionUser): string => Buffer.from(JSON.stringify(s)).toString('base64url');

export function decodeSession(value: string, now: number): SessionUser | null {
  try {
    const parsed = SessionUser.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.exp > now ? parsed.data : null;
  } catch {
    return null;
  }
}
