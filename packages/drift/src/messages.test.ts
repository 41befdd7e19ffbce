import { describe, expect, it } from 'vitest';
import type { Comparison } from '@switchboard/eval';
import { dropAlert } from './messages.js';
import { productionDrift } from './production-drift.js';

const comparison = (over: Partial<Comparison>): Comparison => ({
  baselineAccuracy: 0.9,
  runAccuracy: 0.865,
  dropPoints: 3.5,
  test: 'mcnemar',
  pValue: 0.21,
  noiseFloorPoints: 4.8,
  significant: false,
  categories: [{ category: 'billing', support: 40, baselineRecall: 0.95, runRecall: 0.8, deltaPoints: -15 }],
  sameSet: true,
  sameModel: true,
  samePrompt: true,
  ...over,
});

describe('drop alert text', () => {
  it('says so when the set is too small for the drop to be significant', () => {
    const text = dropAlert('gpt-4o-mini', comparison({}), 316, '2026-11-02T06:00:00.000Z');
    expect(text).toContain(
      '*Drift: gpt-4o-mini fell 3.5 points on the eval set*: accuracy 90.0% → 86.5% (baseline of 2026-11-02)',
    );
    expect(text).toContain('billing 95% → 80% recall (-15 pts, 40 tickets)');
    expect(text).toContain(
      'Not statistically significant (paired McNemar test, p = 0.210): with 316 scored tickets, drops under 4.8 points can be noise',
    );
  });

  it('states significance plainly when the drop is real', () => {
    const text = dropAlert(
      'gpt-4o-mini',
      comparison({ pValue: 0.004, significant: true }),
      316,
      '2026-11-02T06:00:00.000Z',
    );
    expect(text).toContain('Statistically significant (paired McNemar test, p = 0.004).');
    expect(text).not.toContain('noise');
  });
});

describe('production drift', () => {
  const week = (other: number, de: number, n = 1000) => ({
    tickets: n,
    escalated: 50,
    'category:billing': n - other,
    'category:other': other,
    'via:cheap': n,
    'lang:en': n - de,
    'lang:de': de,
    'confidence:9': n,
  });

  it('flags the dimensions whose mix changed, and only those', () => {
    const p = productionDrift(week(100, 100), week(400, 100), { psiAlert: 0.2, minWeeklyTickets: 200 });
    const alerted = p.dimensions.filter((d) => d.alert).map((d) => d.dimension);
    expect(alerted).toEqual(['category mix', 'share of "other"']);
    expect(p.dimensions.find((d) => d.dimension === 'language mix')?.psi).toBeCloseTo(0, 10);
  });

  it('never alerts on a quiet week, however different its mix', () => {
    const p = productionDrift(week(10, 10, 100), week(80, 10, 100), { psiAlert: 0.2, minWeeklyTickets: 200 });
    expect(p.enoughTraffic).toBe(false);
    expect(p.dimensions.some((d) => d.alert)).toBe(false);
    expect(p.dimensions.find((d) => d.dimension === 'category mix')?.psi).toBeGreaterThan(0.2);
  });
});
