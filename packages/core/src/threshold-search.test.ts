import { describe, expect, it } from 'vitest';
import { searchThresholds, simulate, wilsonLower, type LabelledObservation } from './threshold-search.js';

/** A deterministic stream where a tier's answers above a confidence are right with a known rate. */
function observations(n: number): LabelledObservation[] {
  const out: LabelledObservation[] = [];
  for (let i = 0; i < n; i++) {
    const conf = ((i * 37) % 100) / 100; // spread evenly over 0..0.99
    // local is right when confident (≥ 0.8) and right half the time below; cheap is right 97% of the time.
    const localRight = conf >= 0.8 || i % 2 === 0;
    const cheapRight = i % 33 !== 0;
    out.push({
      label: 'technical',
      tiers: [
        { category: i % 10 === 0 ? 'billing' : null, confidence: 1, costUsd: 0 },
        { category: localRight ? 'technical' : 'sales', confidence: conf, costUsd: 0 },
        { category: cheapRight ? 'technical' : 'bug', confidence: 0.9, costUsd: 0.0002 },
      ],
    });
  }
  return out;
}

describe('threshold search', () => {
  it('simulates the cascade: the first tier whose answer clears its threshold decides', () => {
    const obs = observations(100);
    const p = simulate(obs, [{ name: 'rule' }, { name: 'local' }, { name: 'cheap' }], [1, 0.8, 2], 1);
    // 10 rule answers (all wrong: billing), local takes conf ≥ 0.8 among the rest.
    expect(p.share.rule).toBeCloseTo(0.1);
    expect(p.share.local).toBeCloseTo(0.18);
    expect(p.share.human).toBeCloseTo(0.72);
    expect(p.accuracy).toBeCloseTo(18 / 28);
  });

  it('meets the target at the lowest cost, and a costly human makes the cheap model worth calling', () => {
    const obs = observations(2000).map((o) => ({ ...o, tiers: o.tiers.slice(1) }));
    const tiers = [{ name: 'local' as const }, { name: 'cheap' as const }];
    const pricyHumans = searchThresholds(obs, tiers, { target: 0.9, humanCostUsd: 0.5 });
    expect(pricyHumans.best).toBeDefined();
    expect(pricyHumans.best?.accuracyLow).toBeGreaterThanOrEqual(0.9);
    // Humans at $0.50 a ticket: the $0.0002 model takes everything local does not, nobody is left over.
    expect(pricyHumans.best?.share.human).toBe(0);
    expect(pricyHumans.best?.share.cheap).toBeGreaterThan(0.2);
    // When humans cost nothing, calling the model is not worth a cent: it is switched off.
    const freeHumans = searchThresholds(obs, tiers, { target: 0.9, humanCostUsd: 0 });
    expect(freeHumans.best?.thresholds.cheap).toBeNull();
    expect(freeHumans.best?.modelCostPer1k).toBe(0);
    expect(freeHumans.frontier.length).toBeGreaterThan(1);
  });

  it('returns no choice when no setting can reach the target', () => {
    const obs = observations(300).map((o) => ({
      ...o,
      tiers: [{ category: 'sales' as const, confidence: 0.99, costUsd: 0 }],
    }));
    expect(searchThresholds(obs, [{ name: 'local' }], { target: 0.95, humanCostUsd: 1 }).best).toBeUndefined();
  });

  it('asks more of small samples: the Wilson bound is below the raw rate', () => {
    expect(wilsonLower(19, 20)).toBeLessThan(0.95);
    expect(wilsonLower(19, 20)).toBeGreaterThan(0.7);
    expect(wilsonLower(1900, 2000)).toBeGreaterThan(0.93);
  });
});
