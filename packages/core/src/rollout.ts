import { z } from 'zod';

/**
 * How far the new router has rolled out. `off`: no pilot, the cascade routes everything. `shadow`:
 * both routers decide every ticket, the legacy one is delivered. A number: that percentage of
 * tickets (by a stable hash of the id) is delivered by the new router, the rest by the legacy one.
 */
export const RolloutStage = z.union([z.literal('off'), z.literal('shadow'), z.number().int().min(0).max(100)]);
export type RolloutStage = z.infer<typeof RolloutStage>;

export type Router = 'new' | 'legacy';

/** A ticket's place in 0..9999, from its id alone: retries and redeliveries land in the same bucket. */
export function bucketOf(ticketId: string): number {
  // FNV-1a, then murmur3's finaliser so that ids differing only in the last character spread out.
  let h = 0x811c9dc5;
  for (let i = 0; i < ticketId.length; i++) {
    h ^= ticketId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10_000;
}

/** Which router's decision this ticket gets at this stage. */
export function deliveringRouter(stage: RolloutStage, ticketId: string): Router {
  if (stage === 'off') return 'new';
  if (stage === 'shadow') return 'legacy';
  return bucketOf(ticketId) < stage * 100 ? 'new' : 'legacy';
}

export const stageLabel = (s: RolloutStage): string => (typeof s === 'number' ? `${s}%` : s);

/** A stage as people type it (env, command line): `off`, `shadow`, or a percentage such as `5`. */
export const RolloutStageText = z.string().transform((s, ctx) => {
  const v = RolloutStage.safeParse(/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
  if (!v.success) {
    ctx.addIssue({ code: 'custom', message: 'must be off, shadow or a percentage 0-100' });
    return z.NEVER;
  }
  return v.data;
});
