import { z } from 'zod';
import type { Category, LabelledObservation, Tier, TierObservation } from '@switchboard/core';
import { findTrainingOverlap, type LocalModel } from '@switchboard/local-model';

export interface CalibrationTicket {
  id?: string | undefined;
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
        // A declined answer (the local model out of its domain) never decides: replayed as no answer.
        if (r.declined !== undefined) return { category: null, confidence: 0, costUsd: r.usage.costUsd };
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

/** The labelled set holds tickets the local model was trained on: its figures there would say nothing. */
export class CalibrationOverlapError extends Error {
  override readonly name = 'CalibrationOverlapError';
}

/**
 * Refuses a calibration set that overlaps the local model's training rows (by ticket id or by
 * normalised text): the model has memorised those, so thresholds fitted on them would take tickets
 * it is not sure of. With `allowOverlap` it goes on and returns a warning for the caller to print;
 * null when there is nothing to say. A model file too old to hold the fingerprints cannot be checked,
 * which the warning says too.
 */
export function checkTrainingOverlap(
  tickets: readonly CalibrationTicket[],
  model: LocalModel | undefined,
  opts: { allowOverlap?: boolean } = {},
): string | null {
  if (!model) return null;
  const hashes = model.meta.trainingRowHashes;
  if (!hashes) {
    return `the local model ${model.meta.modelVersion} predates training-row fingerprints, so this set cannot be checked for overlap with its training data; retrain it with \`ops train\` to check`;
  }
  const found = findTrainingOverlap(hashes, tickets);
  if (found.overlapping === 0) return null;
  const examples = found.examples.map((e) => `  row ${e.row}${e.id ? ` (id ${e.id})` : ''}: "${e.text}"`).join('\n');
  const summary =
    `${found.overlapping} of ${found.rows} tickets in this set are in the local model's training data ` +
    `(${found.byId} by id, ${found.byText} by text), e.g.\n${examples}`;
  if (!opts.allowOverlap) {
    throw new CalibrationOverlapError(
      `${summary}\nThe model has seen these tickets, so its accuracy on them says nothing about new ones. ` +
        'Calibrate on labelled tickets it was not trained on (hold some out of `ops train`), ' +
        'or pass --allow-overlap to go on with figures that will be optimistic.',
    );
  }
  return `WARNING: ${summary}\nGoing on because of --allow-overlap: the local tier's figures below are OPTIMISTIC, and its threshold will take tickets it is not sure of.`;
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
