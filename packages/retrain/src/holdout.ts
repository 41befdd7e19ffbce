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

/** Whether a model file says it was trained on this label's ticket (a model given by file may not say). */
const trainedOn = (model: LocalModel, r: StoredLabel): boolean => {
  const hashes = model.meta.trainingRowHashes;
  return hashes !== null && isTrainingRow(hashes, { id: r.ticketId, subject: r.subject, body: r.body });
};

/**
 * Every person's label a model has never seen, most recent first: the judging slice, and for a model
 * already serving, every label that came in after it was trained. Probation is judged on these, so a
 * champion's evidence grows with all of the desk's labels, not only the slice's share of them. A
 * model file that does not say what it was trained on (saved before files carried row hashes) is
 * judged on the slice alone, which no retrain ever trains on.
 */
export function unseenPeople(
  rows: readonly StoredLabel[],
  model: LocalModel,
  rule: Pick<HoldBackRule, 'max' | 'share'>,
): StoredLabel[] {
  const unseen =
    model.meta.trainingRowHashes === null
      ? (r: StoredLabel) => inJudgingSlice(r, rule.share)
      : (r: StoredLabel) => isPeople(r) && r.critical !== true && !trainedOn(model, r);
  return rows
    .filter(unseen)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, rule.max);
}

export function holdBack(
  rows: readonly StoredLabel[],
  champion: LocalModel | null,
  rule: HoldBackRule,
): { held: StoredLabel[]; train: StoredLabel[]; eligible: number } {
  // A model given by file may have been trained on some of them; it has memorised those.
  const eligible = rows
    .filter((r) => inJudgingSlice(r, rule.share))
    .filter((r) => !champion || !trainedOn(champion, r))
    .sort((a, b) => b.at.localeCompare(a.at));
  const train = rows.filter((r) => !inJudgingSlice(r, rule.share));
  if (eligible.length < rule.min) return { held: [], train, eligible: eligible.length };
  return { held: eligible.slice(0, rule.max), train, eligible: eligible.length };
}
