import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are compared as SHA-256
 * digests, so neither the token's length nor its first differing byte shows in the timing.
 */
export function bearerTokenChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return m?.[1] !== undefined && timingSafeEqual(expected, digest(m[1]));
  };
}
