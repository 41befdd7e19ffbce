import type { RedisClient as Redis } from '@switchboard/queues';
import { z } from 'zod';

export const Claim = z.object({ reviewer: z.string(), claimedAt: z.iso.datetime(), expiresAt: z.iso.datetime() });
export type Claim = z.infer<typeof Claim>;

// Extends or drops a claim only for the reviewer who holds it.
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur)['reviewer'] ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;
const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur)['reviewer'] ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

const parse = (raw: string | null): Claim | null => {
  if (raw === null) return null;
  try {
    const c = Claim.safeParse(JSON.parse(raw));
    return c.success ? c.data : null;
  } catch {
    return null;
  }
};

/**
 * Claims are Redis records with a lease (a key that expires), not BullMQ job locks: a person may
 * look at a ticket for minutes, and a closed laptop must hand the ticket back by itself.
 */
export class ClaimStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private key(ticketId: string): string {
    return `${this.prefix}:review:claim:${ticketId}`;
  }

  private value(reviewer: string, leaseMs: number, claimedAt?: string): string {
    const now = this.clock();
    return JSON.stringify({
      reviewer,
      claimedAt: claimedAt ?? now.toISOString(),
      expiresAt: new Date(now.getTime() + leaseMs).toISOString(),
    } satisfies Claim);
  }

  /** Takes the ticket if nobody holds it (or the caller already does); else says who does. */
  async claim(
    ticketId: string,
    reviewer: string,
    leaseMs: number,
  ): Promise<{ ok: true; claim: Claim } | { ok: false; heldBy: Claim }> {
    const value = this.value(reviewer, leaseMs);
    if ((await this.redis.set(this.key(ticketId), value, 'PX', leaseMs, 'NX')) === 'OK')
      return { ok: true, claim: Claim.parse(JSON.parse(value)) };
    const current = await this.get(ticketId);
    if (current?.reviewer === reviewer && (await this.renew(ticketId, reviewer, leaseMs)))
      return { ok: true, claim: (await this.get(ticketId)) ?? current };
    if (!current) return this.claim(ticketId, reviewer, leaseMs);
    return { ok: false, heldBy: current };
  }

  async renew(ticketId: string, reviewer: string, leaseMs: number): Promise<boolean> {
    const current = await this.get(ticketId);
    const res = await this.redis.eval(
      RENEW,
      1,
      this.key(ticketId),
      reviewer,
      this.value(reviewer, leaseMs, current?.claimedAt),
      String(leaseMs),
    );
    return res === 1;
  }

  async release(ticketId: string, reviewer: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.key(ticketId), reviewer)) === 1;
  }

  async get(ticketId: string): Promise<Claim | null> {
    return parse(await this.redis.get(this.key(ticketId)));
  }

  async getMany(ticketIds: readonly string[]): Promise<(Claim | null)[]> {
    if (ticketIds.length === 0) return [];
    return (await this.redis.mget(...ticketIds.map((id) => this.key(id)))).map(parse);
  }
}
