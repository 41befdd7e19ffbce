import type { Tier } from '@switchboard/core';

/**
 * What the weekly check evaluates: the cheap tier alone when there is one (that is what drifts
 * with a provider's updates), else the free tiers, so a keyless install still watches its local model.
 */
export function driftTiers(tiers: readonly Tier[]): Tier[] {
  const cheap = tiers.filter((t) => t.name === 'cheap');
  return cheap.length ? cheap : tiers.filter((t) => t.name === 'rule' || t.name === 'local');
}
