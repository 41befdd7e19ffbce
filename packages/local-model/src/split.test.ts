import { describe, expect, it } from 'vitest';
import { stratifiedSplit, stratifiedSplitWithin } from './split.js';

describe('calibration splits', () => {
  const labels = Array.from({ length: 400 }, (_, i) => ['a', 'b', 'c', 'd'][i % 4] as string);

  it('holds out a share of each label, and the same rows for the same seed', () => {
    const s = stratifiedSplit(labels, 0.25, 3);
    expect(s.held).toHaveLength(100);
    for (const l of ['a', 'b', 'c', 'd']) expect(s.held.filter((i) => labels[i] === l)).toHaveLength(25);
    expect(stratifiedSplit(labels, 0.25, 3)).toEqual(s);
    expect(new Set([...s.keep, ...s.held]).size).toBe(400);
  });

  it('holds out only rows of the trusted pool, every other row is fitted on', () => {
    // Every fifth row is a person's label.
    const pool = labels.map((_, i) => i % 5 === 0);
    const s = stratifiedSplitWithin(labels, pool, 0.5, 3);
    expect(s.held.every((i) => pool[i])).toBe(true);
    expect(s.held).toHaveLength(40);
    expect(s.keep).toHaveLength(360);
    expect(new Set([...s.keep, ...s.held]).size).toBe(400);
    // Stratified within the pool too.
    for (const l of ['a', 'b', 'c', 'd']) expect(s.held.filter((i) => labels[i] === l)).toHaveLength(10);
  });
});
