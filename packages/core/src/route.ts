import { z } from 'zod';
import { TierName } from './decision-record.js';
import { Team } from './taxonomy.js';

/** Who sent the ticket on: the tier that decided, a person (human review), or the legacy router (pilot control group). */
export const Via = z.union([TierName, z.literal('human'), z.literal('legacy')]);
export type Via = z.infer<typeof Via>;

/**
 * Where a ticket goes and why, declared once: the guardrails produce it, queue payloads and the
 * ticket record carry it, metrics and counters read it. `reasons` are reason codes (`REASON`,
 * `critical_keyword:<word>`), read back as strings so a record written by another version still parses.
 */
export const Route = z.object({
  team: Team,
  via: Via,
  escalated: z.boolean(),
  reasons: z.array(z.string()),
});
export type Route = z.infer<typeof Route>;
