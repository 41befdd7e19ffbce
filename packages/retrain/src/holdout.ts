import { isTrainingRow, type LocalModel } from '@switchboard/local-model';
import type { StoredLabel } from './training-set.js';

/**
 * The tickets champion and challenger are judged on: the most recent human and feedback labels (never
 * machine labels) the champion was not trained on, at most `max`. They are kept out of the
 * challenger's training too, so both models meet them for the first time; once a challenger is
 * promoted they are ordinary training rows for the next one.
 */
export interface HoldBackRule {
  /** Fewer eligible labels than this: too few to judge, nothing is held back. */
  min: number;
  max: number;
  /** Share of the eligible labels held back (the rest train the challenger), between min and max. */
  share: number;
}

export function holdBack(
  rows: readonly StoredLabel[],
  champion: LocalModel | null,
  rule: HoldBackRule,
): { held: StoredLabel[]; train: StoredLabel[]; eligible: number } {
  const hashes = champion?.meta.trainingRowHashes ?? null;
  const eligible = rows
    .filter((r) => r.source === 'human' || r.source === 'feedback')
    .filter((r) => !hashes || !isTrainingRow(hashes, { id: r.ticketId, subject: r.subject, body: r.body }))
    .sort((a, b) => b.at.localeCompare(a.at));
  if (eligible.length < rule.min) return { held: [], train: [...rows], eligible: eligible.length };
  const count = Math.min(rule.max, Math.max(rule.min, Math.round(eligible.length * rule.share)));
  const held = eligible.slice(0, count);
  const ids = new Set(held.map((r) => r.ticketId));
  return { held, train: rows.filter((r) => !ids.has(r.ticketId)), eligible: eligible.length };
}
