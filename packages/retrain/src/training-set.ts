import type { Category, Priority } from '@switchboard/core';
import type { LabelledTicket } from '@switchboard/local-model';

/** Where a stored label came from (the training store's sources), most trusted first. */
export type LabelSourceName = 'human' | 'feedback' | 'strong' | 'cheap_confirmed' | 'cheap';

/** What retraining reads from the training store. */
export interface StoredLabel {
  ticketId: string;
  subject: string;
  body: string;
  language?: string | undefined;
  category: Category;
  priority?: Priority | undefined;
  source: LabelSourceName;
  /** The guardrail sent it to people before any tier answered. */
  critical?: boolean | undefined;
  at: string;
}

/** A label a person gave: the review desk's resolution or feedback through the API. */
export const isPeople = (r: Pick<StoredLabel, 'source'>): boolean => r.source === 'human' || r.source === 'feedback';

/**
 * How much each source counts in the loss. A person's label is ground truth; a strong-model answer
 * (or a cheap one the strong tier or a spot check agreed with) is a good label (FrugalGPT's "LLM
 * approximation"); a cheap answer nobody corrected is the weakest.
 */
export const SOURCE_WEIGHT: Readonly<Record<LabelSourceName, number>> = {
  human: 2,
  feedback: 2,
  strong: 1,
  cheap_confirmed: 1,
  cheap: 0.5,
};

/**
 * The shipped seed tickets count fully while the desk has none of its own, half once the desk has as
 * many, and ever less after: the desk's own traffic takes over.
 */
export const seedWeight = (ownRows: number, seedRows: number): number =>
  seedRows > 0 ? seedRows / (seedRows + ownRows) : 0;

/** The challenger's training rows: the desk's labels weighted by source, plus the seed set weighted down. */
export function trainingSet(own: readonly StoredLabel[], seed: readonly LabelledTicket[]): LabelledTicket[] {
  const w = seedWeight(own.length, seed.length);
  return [
    ...seed.map((t) => ({ ...t, weight: w })),
    ...own.map((r): LabelledTicket => ({
      id: r.ticketId,
      subject: r.subject,
      body: r.body,
      category: r.category,
      priority: r.priority,
      language: r.language,
      weight: SOURCE_WEIGHT[r.source],
    })),
  ];
}
