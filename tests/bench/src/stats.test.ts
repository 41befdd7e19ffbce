import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.js';

describe('percentile', () => {
  it('takes the nearest rank, so the value really occurred', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(s, 50)).toBe(5);
    expect(percentile(s, 95)).toBe(10);
    expect(percentile(s, 0)).toBe(1);
    expect(percentile(s, 100)).toBe(10);
  });
  it('is NaN on an empty sample', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts a copy and reports mean, percentiles and max', () => {
    const input = [30, 10, 20];
    expect(summarize(input)).toEqual({ n: 3, mean: 20, p50: 20, p95: 30, p99: 30, max: 30 });
    expect(input).toEqual([30, 10, 20]);
  });
});
