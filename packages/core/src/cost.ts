import { z } from 'zod';

/** US dollars per million tokens, per model name. Configuration, because prices change. */
export const PriceTable = z.record(
  z.string(),
  z.strictObject({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() }),
);
export type PriceTable = z.infer<typeof PriceTable>;

export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'claude-opus-4-7': { inputPerMTok: 5, outputPerMTok: 25 },
};

export function costUsd(prices: PriceTable, model: string, promptTokens: number, completionTokens: number): number {
  const price = prices[model];
  if (!price) return 0;
  return (promptTokens * price.inputPerMTok + completionTokens * price.outputPerMTok) / 1_000_000;
}
