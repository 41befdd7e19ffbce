import { describe, expect, it } from 'vitest';
import { costUsd, DEFAULT_PRICES, PriceTable } from './cost.js';

describe('costUsd', () => {
  it('prices input and output tokens per million from the table', () => {
    // 400 × $0.15/M + 40 × $0.60/M
    expect(costUsd(DEFAULT_PRICES, 'gpt-4o-mini', 400, 40)).toBeCloseTo(0.000084, 12);
    // 1,000,000 × $5/M + 200,000 × $25/M
    expect(costUsd(DEFAULT_PRICES, 'claude-opus-4-7', 1_000_000, 200_000)).toBeCloseTo(10, 9);
  });

  it('uses the configured table, not the defaults', () => {
    const prices = PriceTable.parse({ 'gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2 } });
    expect(costUsd(prices, 'gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(3, 9);
  });

  it('is zero for no tokens and for a model without a price', () => {
    expect(costUsd(DEFAULT_PRICES, 'gpt-4o-mini', 0, 0)).toBe(0);
    expect(costUsd(DEFAULT_PRICES, 'some-unpriced-model', 1_000, 1_000)).toBe(0);
  });
});

describe('PriceTable', () => {
  it('rejects negative prices and misspelt fields', () => {
    expect(PriceTable.safeParse({ m: { inputPerMTok: -1, outputPerMTok: 1 } }).success).toBe(false);
    expect(PriceTable.safeParse({ m: { inputPerMtok: 1, outputPerMTok: 1 } }).success).toBe(false);
  });
});
