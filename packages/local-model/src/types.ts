import type { Category, Priority } from '@switchboard/core';
import type { DomainGate } from './domain-gate.js';
import type { TrainingRowHashes } from './row-hashes.js';

/** One labelled ticket as `train` and `calibrate` read it (JSONL or CSV of a helpdesk export). */
export interface LabelledTicket {
  /** The ticket's id in the export, when it has one: fingerprinted so `calibrate` can spot training rows. */
  id?: string | undefined;
  subject: string;
  body: string;
  category: Category;
  priority?: Priority | undefined;
  /** The finest label the desk has (an intent, a queue); the model learns these and sums them to categories. */
  fineLabel?: string | undefined;
  language?: string | undefined;
  /**
   * How much this ticket counts in the category head's loss (default 1): retraining weighs a
   * person's label above a model's, and the shipped seed tickets down as the desk's own data grows.
   */
  weight?: number | undefined;
}

/** What the local model says about one ticket. Probabilities are calibrated. */
export interface LocalPrediction {
  category: Category;
  categoryConfidence: number;
  categoryProbs: Readonly<Record<Category, number>>;
  /** Null when the model was trained without priorities. */
  priority: Priority | null;
  priorityConfidence: number;
  /**
   * The ticket is unlike the training data (see `meta.outOfDomain`): the caller should not act on
   * this prediction, however confident it looks.
   */
  outOfDomain: boolean;
  /** Share of the ticket's features the model knows (0..1). */
  coverage: number;
  /** log Σ exp(logit) over the fine labels before temperature: the evidence for any label at all. */
  energy: number;
}

export interface LocalModelMeta {
  /** Format version of the file, checked on load. */
  formatVersion: number;
  /** Name of this trained model, e.g. `local-20261125-ab12cd34`; recorded on each decision. */
  modelVersion: string;
  trainedAt: string;
  trainingDataHash: string;
  trainingRows: number;
  categories: Category[];
  priorities: Priority[];
  metrics: Record<string, number>;
  /** The fine labels (intents, queues) the category head scores before summing into categories. */
  fineLabels?: string[];
  /**
   * Thresholds chosen on the calibration split for a few accuracy targets: keep an answer whose
   * confidence is at least `threshold` (null: no threshold met the target).
   */
  thresholds?: {
    category: ModelThreshold[];
    priority: ModelThreshold[];
  };
  /** The out-of-domain gate; `rejectShare` null when it is the default of an old file, not fitted. */
  outOfDomain: DomainGate;
  /** Fingerprints of the training rows; null for a file written before they were kept. */
  trainingRowHashes: TrainingRowHashes | null;
}

export interface ModelThreshold {
  targetAccuracy: number;
  threshold: number | null;
  /** Share kept and its accuracy on the calibration split. */
  coverage: number;
  accuracy: number;
}

export interface LocalModel {
  readonly meta: LocalModelMeta;
  predict(subject: string, body: string): LocalPrediction;
}
