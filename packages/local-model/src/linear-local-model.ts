import { CATEGORIES, type Category, type Priority } from '@switchboard/core';
import { energyOf, isInDomain } from './domain-gate.js';
import { softmaxGroupsInto } from './linear.js';
import { scoreQuantizedInto } from './quantize.js';
import type { LocalModel, LocalModelMeta, LocalPrediction } from './types.js';
import { Vectorizer, type VocabularyView } from './vectorizer.js';

/** A decoded head: int8 weights (cols × labels, feature-major) with per-label scales, bias and temperature. */
export interface HeadParams {
  readonly values: Int8Array;
  readonly scales: Float64Array;
  readonly bias: Float64Array;
  readonly temperature: number;
}

export interface LinearModelParts {
  readonly meta: LocalModelMeta;
  readonly vocab: VocabularyView;
  readonly category: HeadParams & { readonly labelCategories: readonly Category[] };
  readonly priority: (HeadParams & { readonly labels: readonly Priority[] }) | null;
}

/**
 * The local model at prediction time: one vectoriser and one weight matrix holding both heads'
 * classes side by side per feature, so a ticket's features are read once for category and priority.
 * Not re-entrant (it reuses buffers), which suits the single-threaded worker that calls it.
 */
export class LinearLocalModel implements LocalModel {
  readonly meta: LocalModelMeta;
  private readonly vectorizer: Vectorizer;
  private readonly weights: Int8Array;
  private readonly scales: Float64Array;
  private readonly bias: Float64Array;
  private readonly width: number;
  private readonly fineCount: number;
  private readonly categoryOf: Int32Array;
  private readonly categoryTemperature: number;
  private readonly priorityLabels: readonly Priority[];
  private readonly priorityTemperature: number;
  private readonly priorityIndex: Int32Array;
  private readonly logits: Float64Array;

  constructor(parts: LinearModelParts) {
    this.meta = parts.meta;
    this.vectorizer = new Vectorizer(parts.vocab);
    const cols = parts.vocab.idf.length;
    const kc = parts.category.labelCategories.length;
    const kp = parts.priority?.labels.length ?? 0;
    this.fineCount = kc;
    this.width = kc + kp;
    this.weights = new Int8Array(cols * this.width);
    for (let j = 0; j < cols; j++) {
      this.weights.set(parts.category.values.subarray(j * kc, (j + 1) * kc), j * this.width);
      if (parts.priority) this.weights.set(parts.priority.values.subarray(j * kp, (j + 1) * kp), j * this.width + kc);
    }
    this.scales = new Float64Array(this.width);
    this.bias = new Float64Array(this.width);
    this.scales.set(parts.category.scales);
    this.bias.set(parts.category.bias);
    if (parts.priority) {
      this.scales.set(parts.priority.scales, kc);
      this.bias.set(parts.priority.bias, kc);
    }
    this.categoryOf = Int32Array.from(parts.category.labelCategories, (c) => CATEGORIES.indexOf(c));
    this.categoryTemperature = parts.category.temperature;
    this.priorityLabels = parts.priority?.labels ?? [];
    this.priorityTemperature = parts.priority?.temperature ?? 1;
    this.priorityIndex = Int32Array.from({ length: kp }, (_, i) => i);
    this.logits = new Float64Array(this.width);
  }

  predict(subject: string, body: string): LocalPrediction {
    const v = this.vectorizer;
    const nnz = v.vectorize(typeof subject === 'string' ? subject : '', typeof body === 'string' ? body : '');
    const logits = this.logits;
    scoreQuantizedInto(this.weights, this.width, this.scales, this.bias, v.indices, v.values, nnz, logits);

    const probs = new Float64Array(CATEGORIES.length);
    softmaxGroupsInto(logits, 0, this.fineCount, this.categoryTemperature, this.categoryOf, probs);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if ((probs[c] as number) > (probs[best] as number)) best = c;
    const categoryProbs = {} as Record<Category, number>;
    CATEGORIES.forEach((c, i) => (categoryProbs[c] = probs[i] as number));

    let priority: Priority | null = null;
    let priorityConfidence = 0;
    const kp = this.priorityLabels.length;
    if (kp > 0) {
      const pp = new Float64Array(kp);
      softmaxGroupsInto(logits, this.fineCount, kp, this.priorityTemperature, this.priorityIndex, pp);
      let top = 0;
      for (let k = 1; k < kp; k++) if ((pp[k] as number) > (pp[top] as number)) top = k;
      priority = this.priorityLabels[top] ?? null;
      priorityConfidence = pp[top] as number;
    }
    const coverage = v.coverage();
    const energy = energyOf(logits, 0, this.fineCount);
    return {
      category: CATEGORIES[best] as Category,
      categoryConfidence: probs[best] as number,
      categoryProbs,
      priority,
      priorityConfidence,
      outOfDomain: !isInDomain(this.meta.outOfDomain, coverage, energy),
      coverage,
      energy,
    };
  }
}
