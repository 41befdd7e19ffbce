import { inSample } from '@switchboard/core';
import { isTrainingRow, type LocalModel } from '@switchboard/local-model';
import type { StoredLabel } from './training-set.js';

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

const isPeople = (r: StoredLabel): boolean => r.source === 'human' || r.source === 'feedback';

/** Whether a label is in the judging slice. Salted, so it is not the spot-check sample. */
export const inJudgingSlice = (r: StoredLabel, share: number): boolean =>
  isPeople(r) && inSample(`judge|${r.ticketId}`, share);

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
