import type { Category, Priority } from '@switchboard/core';
import type { Suggester } from './desk.js';

/** The part of the local model (packages/local-model) the desk uses; structural, so the desk needs no model code. */
export interface PredictingModel {
  predict(
    subject: string,
    body: string,
  ): {
    category: Category;
    categoryConfidence: number;
    priority: Priority | null;
    priorityConfidence: number;
    outOfDomain: boolean;
  };
  meta: { modelVersion: string };
}

/**
 * The desk's guess for tickets no tier decided, from the same local model file the classifiers
 * load (hot-reloaded: `current` returns the model in force). A ticket unlike the model's training
 * data gets no guess, as it would get no answer from the local tier.
 */
export function localSuggester(current: () => PredictingModel): Suggester {
  return (ticket) => {
    const model = current();
    const p = model.predict(ticket.subject ?? '', ticket.body);
    if (p.outOfDomain) return null;
    return {
      category: p.category,
      categoryConfidence: p.categoryConfidence,
      priority: p.priority,
      priorityConfidence: p.priorityConfidence,
      model: model.meta.modelVersion,
    };
  };
}
