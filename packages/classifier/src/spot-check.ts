import { inSample, type DecisionRecord, type Tier, type TierName } from '@switchboard/core';
import type { GuardedTier } from '@switchboard/queues';
import type { ClassifierConfig } from './config.js';

/** The tiers that judge a guarded tier's answer: the model tiers after it, cheapest first. */
export function judgesOf(tier: GuardedTier, tiers: readonly Tier[]): Tier[] {
  const after: readonly TierName[] = tier === 'local' ? ['cheap', 'strong'] : ['strong'];
  return tiers.filter((t) => after.includes(t.name));
}

/**
 * Whether a decided ticket is also asked of the next tier up, after delivery: a seeded share of what
 * the local and cheap tiers routed on their own, and only when there is a tier to ask. A critical,
 * escalated or failed ticket never is (it has no such decision).
 */
export function wantsSpotCheck(
  config: ClassifierConfig,
  tiers: readonly Tier[],
  record: DecisionRecord,
  ticketId: string,
): boolean {
  if (record.outcome !== 'decided' || !record.decision) return false;
  if (record.tier === 'local')
    return judgesOf('local', tiers).length > 0 && inSample(ticketId, config.guard.localSpotCheckRate);
  if (record.tier === 'cheap')
    return judgesOf('cheap', tiers).length > 0 && inSample(ticketId, config.guard.cheapSpotCheckRate);
  return false;
}
