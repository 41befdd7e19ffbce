import { describe, expect, it } from 'vitest';
import { mcnemarExactP, noiseFloorPoints, quantile, twoProportionP, wilsonInterval } from './stats.js';
import { populationStability } from './psi.js';

describe('statistics', () => {
  it('Wilson interval matches the textbook value for 85/100', () => {
    const { low, high } = wilsonInterval(85, 100);
    expect(low).toBeCloseTo(0.7672, 3);
    expect(high).toBeCloseTo(0.9069, 3);
  });

  it('exact McNemar: 10 tickets got worse and 2 better is significant, 6 against 4 is not', () => {
    expect(mcnemarExactP(10, 2)).toBeCloseTo(0.0386, 3);
    expect(mcnemarExactP(6, 4)).toBeCloseTo(0.7539, 3);
    expect(mcnemarExactP(0, 0)).toBe(1);
  });

  it('an unpaired 3-point drop on 300 tickets is noise; on 5,000 it is not', () => {
    expect(twoProportionP(255, 300, 246, 300)).toBeGreaterThan(0.05);
    expect(twoProportionP(4250, 5000, 4100, 5000)).toBeLessThan(0.05);
    expect(noiseFloorPoints(255, 300)).toBeGreaterThan(3);
    expect(noiseFloorPoints(4250, 5000)).toBeLessThan(3);
  });

  it('quantiles interpolate', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.95)).toBe(10);
  });

  it('population stability: zero for the same mix, over 0.25 for a changed one', () => {
    expect(populationStability({ a: 50, b: 50 }, { a: 500, b: 500 })).toBeCloseTo(0, 10);
    expect(populationStability({ a: 80, b: 20 }, { a: 40, b: 60 })).toBeGreaterThan(0.25);
    expect(populationStability({ a: 10 }, { a: 10, b: 10 })).toBeGreaterThan(0.25);
  });
});
