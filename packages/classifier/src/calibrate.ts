import { z } from 'zod';
import type { Category, LabelledObservation, Tier, TierObservation } from '@switchboard/core';

export interface CalibrationTicket {
  subject: string;
  body: string;
  category: Category;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One tier's answer to one ticket; waits out 429s, and counts a failed call as no answer (with its cost). */
async function ask(tier: Tier, t: CalibrationTicket, maxRateLimitWaits: number): Promise<TierObservation> {
  for (let waits = 0; ; waits++) {
    const r = await tier.classify({ ticketId: 'calibration', subject: t.subject, body: t.body });
    switch (r.kind) {
      case 'answer':
        return { category: r.decision.category, confidence: r.decision.confidence, costUsd: r.usage.costUsd };
      case 'invalid':
        return { category: null, confidence: 0, costUsd: r.usage.costUsd };
      case 'rate_limited':
        if (waits >= maxRateLimitWaits) return { category: null, confidence: 0, costUsd: 0 };
        await sleep(r.retryAfterMs);
        continue;
      default:
        return { category: null, confidence: 0, costUsd: 0 };
    }
  }
}

/**
 * Asks every tier about every labelled ticket once (so a calibration run costs one pass of the set
 * through each paid model) and records the answers; the threshold search then replays the cascade
 * over them for every candidate setting without calling anything again.
 */
export async function observeTiers(
  tickets: readonly CalibrationTicket[],
  tiers: readonly Tier[],
  opts: { concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<LabelledObservation[]> {
  const out = new Array<LabelledObservation>(tickets.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < tickets.length; i = next++) {
      const t = tickets[i];
      if (!t) continue;
      const answers: TierObservation[] = [];
      for (const tier of tiers) answers.push(await ask(tier, t, 5));
      out[i] = { label: t.category, tiers: answers };
      opts.onProgress?.(++done, tickets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return out;
}

/** The file `calibrate` writes and the classifier reads: a tier's threshold, or null for "switched off". */
export const ThresholdsFile = z.object({
  calibratedAt: z.iso.datetime(),
  target: z.number().min(0).max(1),
  set: z.string(),
  rows: z.number().int().nonnegative(),
  thresholds: z.object({
    local: z.number().min(0).max(1).nullable().optional(),
    cheap: z.number().min(0).max(1).nullable().optional(),
    strong: z.number().min(0).max(1).nullable().optional(),
  }),
  expected: z.object({
    coverage: z.number(),
    accuracy: z.number(),
    accuracyLow: z.number(),
    totalCostPer1k: z.number(),
  }),
});
export type ThresholdsFile = z.infer<typeof ThresholdsFile>;
