import { inSample } from '@switchboard/core';
import { isTrainingRow, type LocalModel } from '@switchboard/local-model';
import { isPeople, type StoredLabel } from './training-set.js';

/**
 * The tickets champion and challenger are judged on. A fixed share of people's labels (human and
 * feedback, never machine labels), chosen by a hash of the ticket id, is the judging slice: no model
 * is trained on it, so it grows week by week and both models always meet it for the first time. A
 * slice re-drawn every run would stay about one week of labels, too few to show that a model taking
 * many more tickets at a 95% target is no worse.
 */
export interface HoldBackRule {
  /** Fewer judging labels than this: too few to judge. */
  min: number;
  /** At most this many of the most recent judging labels are used. */
  max: number;
  /** Share of people's labels in the judging slice (the rest train the challenger). */
  share: number;
}

/**
 * Whether a label is in the judging slice. Salted, so it is not the spot-check sample. A critical
 * ticket never reaches a tier, so it is not in the slice (it trains like any person's label).
 */
export const inJudgingSlice = (r: StoredLabel, share: number): boolean =>
  isPeople(r) && r.critical !== true && inSample(`judge|${r.ticketId}`, share);

export function holdBack(
  rows: readonly StoredLabel[],
  champion: LocalModel | null,
  rule: HoldBackRule,
): { held: StoredLabel[]; train: StoredLabel[]; eligible: number } {
  const hashes = champion?.meta.trainingRowHashes ?? null;
  // A model given by file may have been trained on some of them; it has memorised those.
  const eligible = rows
    .filter((r) => inJudgingSlice(r, rule.share))
    .filter((r) => !hashes || !isTrainingRow(hashes, { id: r.ticketId, subject: r.subject, body: r.body }))
    .sort((a, b) => b.at.localeCompare(a.at));
  const train = rows.filter((r) => !inJudgingSlice(r, rule.share));
  if (eligible.length < rule.min) return { held: [], train, eligible: eligible.length };
  return { held: eligible.slice(0, rule.max), train, eligible: eligible.length };
}
