import { describe, expect, it } from 'vitest';
import { fmt, formatTable } from './table.js';

describe('formatTable', () => {
  it('pads columns and prints verdicts only where there is a target', () => {
    const out = formatTable([
      { scenario: 'overhead', metric: 'ratio', value: '0.71', target: '>= 0.6', pass: true },
      { scenario: 'cost', metric: 'usd/1k', value: '1.2' },
    ]);
    expect(out.split('\n')).toEqual([
      'scenario  metric  value  target  result',
      '--------  ------  -----  ------  ------',
      'overhead  ratio   0.71   >= 0.6  PASS',
      'cost      usd/1k  1.2',
    ]);
  });
});

describe('fmt', () => {
  it('shows a dash for a figure that has no sample', () => {
    expect(fmt(Number.NaN)).toBe('—');
    expect(fmt(1.234, 2)).toBe('1.23');
  });
});
