import { CATEGORIES } from '@switchboard/core';
import { decodeLocalModel } from './decode-model.js';
import { DEFAULT_REJECT_SHARE, energyOf, fitDomainGate, type DomainGate } from './domain-gate.js';
import { encodeLocalModel } from './encode-model.js';
import type { GroupPredictions } from './evaluate.js';
import { macroF1 } from './metrics.js';
import type { LocalModelFile } from './model-file.js';
import { scoreQuantizedRows, type QuantizedScorer } from './quantize.js';
import { trainingRowHashes } from './row-hashes.js';
import { selectRows, vectorizeAll, type SparseRows } from './sparse.js';
import { stratifiedSplit, stratifiedSplitWithin } from './split.js';
import { scaleColumns, supervisedColumnWeights } from './supervised-weights.js';
import type { FeatureConfig } from './text-keys.js';
import {
  calibrateHead,
  fitHead,
  thresholdsFor,
  type FitSetting,
  type HeadFit,
  type HeadMetrics,
} from './train-heads.js';
import { labelSpace, trainingDataHash, type LabelSpace } from './training-data.js';
import type { LabelledTicket, LocalModel, ModelThreshold } from './types.js';
import { Vectorizer } from './vectorizer.js';
import { buildVocabulary, type Vocabulary } from './vocabulary.js';

export type { FitSetting, HeadMetrics };

export interface TrainOptions {
  seed: number;
  /** Share of the rows held out (stratified by fine label) to fit the temperatures and choose thresholds. */
  calibrationFraction?: number;
  /**
   * Only rows this accepts may go to the calibration split (the rest are always fitted on). A desk's
   * machine labels are partly wrong; a temperature fitted on them reads that noise as the model's own
   * error and leaves it under-confident, so retraining calibrates on people's labels.
   */
  calibrateOn?: (row: LabelledTicket) => boolean;
  /**
   * After calibrating, fit again on every row (calibration split included) with the chosen setting
   * and keep the fitted temperatures, so the shipped model learns from all the data. Default true.
   */
  refit?: boolean;
  features?: Partial<FeatureConfig>;
  /** Scale of each feature block: body words, body characters, subject words, subject characters. */
  blockWeights?: readonly number[];
  /** Keys seen in fewer training tickets are dropped. */
  minDf?: number;
  /** The vocabulary is cut (rarest keys first) so the file stays under this many bytes. */
  maxFileBytes?: number;
  epochs?: number;
  /** Optimiser settings to try; the calibration split's log-loss picks one. */
  settings?: readonly FitSetting[];
  /** Rows of rare fine labels weigh (n / (K · n_label))^classBalance: 0 is none, 1 fully balanced. */
  classBalance?: number;
  /** Accuracy targets to choose thresholds for on the calibration split. */
  thresholdTargets?: readonly number[];
  /** Share of the calibration split the out-of-domain gate's cut-offs may turn away (default 0.01). */
  outOfDomainRejectShare?: number;
  /** When the model counts as trained; fixed in tests so that the file's bytes are reproducible. */
  trainedAt?: Date;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface TrainMetrics {
  rows: number;
  fitRows: number;
  calibrationRows: number;
  columns: number;
  fineLabels: number;
  setting: FitSetting;
  /** Measured on the calibration split, with the model fitted without it. */
  category: HeadMetrics & { macroF1: number };
  priority: HeadMetrics | null;
  thresholds: { category: ModelThreshold[]; priority: ModelThreshold[] };
  outOfDomain: DomainGate;
  fileBytes: number;
  /** Bytes the training rows' fingerprints add to the file. */
  rowHashBytes: number;
}

export interface TrainResult {
  model: LocalModel;
  file: LocalModelFile;
  metrics: TrainMetrics;
}

const DEFAULT_FEATURES: FeatureConfig = { wordNgrams: 2, charMin: 3, charMax: 5, subject: 'shared' };
/**
 * Noisy desks want small steps, more averaging and features weighted by how much they say about the
 * category (which damps the many words that say nothing). Clean intent sets want large steps, plain
 * TF-IDF (every word of a short query counts) and half the loss on the category, which stops the
 * model spending itself on separating sibling intents. The calibration split decides.
 */
const DEFAULT_SETTINGS: readonly FitSetting[] = [
  { l2: 3e-5, learningRate: 0.2, supervisedWeight: 2 },
  { l2: 1e-5, learningRate: 2, fineWeight: 0.5 },
];
const DEFAULT_TARGETS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
const DEFAULT_MAX_FILE_BYTES = 4_500_000;
/** Bytes per column besides the weights in the file: key gap ~3, IDF 2, block ¼; base64 adds a third. */
const COLUMN_OVERHEAD = 5.25;

interface Plan {
  rows: readonly LabelledTicket[];
  labels: LabelSpace;
  features: FeatureConfig;
  blockWeights: readonly number[];
  minDf: number;
  maxColumns: number;
  epochs: number;
  seed: number;
  classBalance: number;
  hasPriority: boolean;
  tick: (phase: string) => () => void;
}

interface Fitted {
  vocab: Vocabulary;
  category: QuantizedScorer;
  priority: QuantizedScorer | null;
}

/**
 * Trains the local model: softmax regression over the finest labels (summed into categories) and a
 * priority head, on TF-IDF word and character n-grams; temperatures and thresholds are fitted on a
 * held-out calibration split, then (by default) the model is refitted on every row.
 */
export function trainLocalModel(rows: readonly LabelledTicket[], opts: TrainOptions): TrainResult {
  if (rows.length < 2) throw new Error(`training needs at least 2 labelled tickets; got ${rows.length}`);
  const calFraction = opts.calibrationFraction ?? 0.2;
  if (!(calFraction > 0 && calFraction < 1))
    throw new Error(`calibrationFraction must be between 0 and 1; got ${calFraction}`);
  const labels = labelSpace(rows);
  const fine = Array.from(labels.fineOfRow, String);
  const calibrateOn = opts.calibrateOn;
  const split = calibrateOn
    ? stratifiedSplitWithin(
        fine,
        rows.map((r) => calibrateOn(r)),
        calFraction,
        opts.seed,
      )
    : stratifiedSplit(fine, calFraction, opts.seed);
  if (split.held.length === 0)
    throw new Error('the calibration split is empty: give more rows or a larger calibrationFraction');
  const settings = opts.settings?.length ? opts.settings : DEFAULT_SETTINGS;
  const refit = opts.refit ?? true;
  const hasPriority = labels.priorities.length >= 2;
  const epochs = opts.epochs ?? 12;
  const heads = hasPriority ? 2 : 1;
  const totalEpochs = epochs * (settings.length + heads - 1 + (refit ? heads : 0));
  let doneEpochs = 0;
  const plan: Plan = {
    rows,
    labels,
    features: { ...DEFAULT_FEATURES, ...opts.features },
    blockWeights: opts.blockWeights ?? [1, 1, 1, 1],
    minDf: opts.minDf ?? 2,
    maxColumns: Math.floor(
      (opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) /
        (((labels.fine.length + labels.priorities.length + COLUMN_OVERHEAD) * 4) / 3),
    ),
    epochs,
    seed: opts.seed,
    classBalance: opts.classBalance ?? 0.5,
    hasPriority,
    tick: (phase) => () => opts.onProgress?.(++doneEpochs, totalEpochs, phase),
  };
  opts.onProgress?.(0, totalEpochs, 'features');

  // Fit without the calibration split, then calibrate on it.
  const spaces = featureSpaces(plan, split.keep, split.held);
  const category = chooseCategoryHead(plan, settings, split.keep, split.held, spaces);
  const { xFit, xCal } = spaces(category.setting);
  const priority = hasPriority ? priorityHead(plan, category.setting, split.keep, split.held, xFit, xCal) : null;
  const targets = opts.thresholdTargets ?? DEFAULT_TARGETS;
  const thresholds = {
    category: thresholdsFor(category.predictions, targets),
    priority: priority ? thresholdsFor(priority.predictions, targets) : [],
  };

  // The gate is fitted on the calibration split, which neither the fit nor the vocabulary saw: its
  // tickets stand in for the desk's next ones.
  const outOfDomain = fitDomainGate(
    coverageOf(spaces(category.setting).vocab, pickRows(plan, split.held)),
    energiesOf(category.model, xCal),
    opts.outOfDomainRejectShare ?? DEFAULT_REJECT_SHARE,
  );
  const rowHashes = trainingRowHashes(rows);

  const fitted: Fitted = refit
    ? fitAll(plan, category.setting)
    : { vocab: spaces(category.setting).vocab, category: category.model, priority: priority?.model ?? null };
  const metrics: TrainMetrics = {
    rows: rows.length,
    fitRows: split.keep.length,
    calibrationRows: split.held.length,
    columns: fitted.vocab.idf.length,
    fineLabels: labels.fine.length,
    setting: category.setting,
    category: category.metrics,
    priority: priority?.metrics ?? null,
    thresholds,
    outOfDomain,
    fileBytes: 0,
    rowHashBytes: 0,
  };
  const file = encodeLocalModel({
    vocab: fitted.vocab,
    category: {
      labels: labels.fine,
      scorer: fitted.category,
      temperature: category.metrics.temperature,
      labelCategories: labels.fineCategory,
    },
    priority:
      fitted.priority && priority
        ? { labels: labels.priorities, scorer: fitted.priority, temperature: priority.metrics.temperature }
        : null,
    trainedAt: opts.trainedAt ?? new Date(),
    trainingDataHash: trainingDataHash(rows),
    trainingRows: rows.length,
    metrics: flatMetrics(metrics),
    thresholds,
    outOfDomain: { ...outOfDomain, rejectShare: outOfDomain.rejectShare ?? 0 },
    rowHashes,
  });
  metrics.fileBytes = Buffer.byteLength(JSON.stringify(file));
  metrics.rowHashBytes = Buffer.byteLength(JSON.stringify(file.trainingRowHashes));
  // Built from the file itself, so the model returned is exactly the one a reload gives.
  return { model: decodeLocalModel(file, 'trained in process'), file, metrics };
}

/** Each ticket's coverage (share of its features the vocabulary knows), as prediction computes it. */
function coverageOf(vocab: Vocabulary, tickets: readonly LabelledTicket[]): Float64Array {
  const v = new Vectorizer(vocab);
  return Float64Array.from(tickets, (t) => {
    v.vectorize(t.subject, t.body);
    return v.coverage();
  });
}

/** Each row's energy (log Σ exp logit over the fine labels, before temperature). */
function energiesOf(model: QuantizedScorer, x: SparseRows): Float64Array {
  const logits = scoreQuantizedRows(model, x);
  return Float64Array.from({ length: x.rows }, (_, r) => energyOf(logits, r * model.classes, model.classes));
}

function vocabularyOf(plan: Plan, idx: readonly number[]): Vocabulary {
  const tickets = idx.map((i) => plan.rows[i] as LabelledTicket);
  return buildVocabulary(tickets, {
    config: plan.features,
    minDf: plan.minDf,
    maxColumns: plan.maxColumns,
    blockWeights: plan.blockWeights,
  });
}

interface FeatureSpace {
  vocab: Vocabulary;
  xFit: SparseRows;
  xCal: SparseRows;
}

/**
 * The fit rows' vocabulary and the vectors of the fit and calibration rows for a setting's
 * supervised weighting; computed once per distinct weighting and reused.
 */
function featureSpaces(
  plan: Plan,
  keep: readonly number[],
  held: readonly number[],
): (setting: FitSetting) => FeatureSpace {
  const plain = plainVectors(plan, keep);
  const xCalPlain = vectorizeAll(pickRows(plan, held), new Vectorizer(plain.vocab), plain.vocab.idf.length);
  const made = new Map<number, FeatureSpace>();
  return (setting) => {
    const power = setting.supervisedWeight ?? 0;
    let space = made.get(power);
    if (!space) {
      const w = columnWeights(plan, keep, plain.x, power);
      space = w
        ? {
            vocab: reweighted(plain.vocab, w),
            xFit: rescale(plain.vocab, plain.x, w),
            xCal: rescale(plain.vocab, xCalPlain, w),
          }
        : { vocab: plain.vocab, xFit: plain.x, xCal: xCalPlain };
      made.set(power, space);
    }
    return space;
  };
}

function plainVectors(plan: Plan, idx: readonly number[]): { vocab: Vocabulary; x: SparseRows } {
  const vocab = vocabularyOf(plan, idx);
  return { vocab, x: vectorizeAll(pickRows(plan, idx), new Vectorizer(vocab), vocab.idf.length) };
}

/** How much each column says about the category, as a factor on its IDF; null for plain TF-IDF. */
function columnWeights(plan: Plan, idx: readonly number[], x: SparseRows, power: number): Float32Array | null {
  if (power <= 0) return null;
  const y = Int32Array.from(idx, (i) => CATEGORIES.indexOf((plan.rows[i] as LabelledTicket).category));
  return supervisedColumnWeights(x, y, CATEGORIES.length, power);
}

const reweighted = (vocab: Vocabulary, w: Float32Array): Vocabulary => ({
  ...vocab,
  idf: Float32Array.from(vocab.idf, (v, j) => v * (w[j] as number)),
});
const rescale = (vocab: Vocabulary, x: SparseRows, w: Float32Array): SparseRows =>
  scaleColumns(x, w, vocab.blockOf, vocab.blockWeights);

const pickRows = (plan: Plan, idx: readonly number[]): LabelledTicket[] =>
  idx.map((i) => plan.rows[i] as LabelledTicket);

const categoryGroups = (labels: LabelSpace): Int32Array =>
  Int32Array.from(labels.fineCategory, (c) => CATEGORIES.indexOf(c));

function headFit(plan: Plan, seed: number, classBalance: number, phase: string): HeadFit {
  return { epochs: plan.epochs, seed: plan.seed + seed, classBalance, onEpoch: plan.tick(phase) };
}

function categoryFit(plan: Plan, seed: number, phase: string, idx: readonly number[]): HeadFit {
  const weighted = idx.some((i) => plan.rows[i]?.weight !== undefined);
  return {
    ...headFit(plan, seed, plan.classBalance, phase),
    groupOf: categoryGroups(plan.labels),
    ...(weighted ? { sampleWeights: Float32Array.from(idx, (i) => plan.rows[i]?.weight ?? 1) } : {}),
  };
}

/** Fits the category head once per setting and keeps the one with the lowest calibrated log-loss. */
function chooseCategoryHead(
  plan: Plan,
  settings: readonly FitSetting[],
  keep: readonly number[],
  held: readonly number[],
  spaces: (setting: FitSetting) => FeatureSpace,
): {
  setting: FitSetting;
  model: QuantizedScorer;
  metrics: HeadMetrics & { macroF1: number };
  predictions: GroupPredictions;
} {
  const { labels } = plan;
  const yFit = Int32Array.from(keep, (i) => labels.fineOfRow[i] as number);
  const target = Int32Array.from(held, (i) => CATEGORIES.indexOf((plan.rows[i] as LabelledTicket).category));
  const groupOf = categoryGroups(labels);
  const tried = settings.map((setting, s) => {
    const { xFit, xCal } = spaces(setting);
    const model = fitHead(
      xFit,
      yFit,
      labels.fine.length,
      setting,
      categoryFit(plan, s, `fit ${s + 1}/${settings.length}`, keep),
    );
    return { setting, model, ...calibrateHead(model, xCal, groupOf, CATEGORIES.length, target) };
  });
  const best = tried.reduce((a, b) => (b.metrics.nllAfter < a.metrics.nllAfter ? b : a));
  const name = (c: number): string => CATEGORIES[c] as string;
  const f1 = macroF1(Array.from(target, name), Array.from(best.predictions.predicted, name));
  return {
    setting: best.setting,
    model: best.model,
    metrics: { ...best.metrics, macroF1: f1 },
    predictions: best.predictions,
  };
}

/** The priority head, on the rows that have a priority; unweighted, since its accuracy is what counts. */
function priorityHead(
  plan: Plan,
  setting: FitSetting,
  keep: readonly number[],
  held: readonly number[],
  xFit: SparseRows,
  xCal: SparseRows,
): { model: QuantizedScorer; metrics: HeadMetrics; predictions: GroupPredictions } {
  const { priorityOfRow, priorities } = plan.labels;
  const withPriority = (idx: readonly number[]): number[] =>
    [...idx.keys()].filter((at) => (priorityOfRow[idx[at] as number] as number) >= 0);
  const fitAt = withPriority(keep);
  const calAt = withPriority(held);
  const yOf = (idx: readonly number[], at: number[]): Int32Array =>
    Int32Array.from(at, (a) => priorityOfRow[idx[a] as number] as number);
  const K = priorities.length;
  const model = fitHead(selectRows(xFit, fitAt), yOf(keep, fitAt), K, setting, headFit(plan, 101, 0, 'fit priority'));
  const identity = Int32Array.from({ length: K }, (_, i) => i);
  return { model, ...calibrateHead(model, selectRows(xCal, calAt), identity, K, yOf(held, calAt)) };
}

/** The chosen setting again on every row: new vocabulary, both heads. */
function fitAll(plan: Plan, setting: FitSetting): Fitted {
  const all = [...plan.rows.keys()];
  const plain = plainVectors(plan, all);
  const w = columnWeights(plan, all, plain.x, setting.supervisedWeight ?? 0);
  const vocab = w ? reweighted(plain.vocab, w) : plain.vocab;
  const x = w ? rescale(plain.vocab, plain.x, w) : plain.x;
  const { labels } = plan;
  const category = fitHead(x, labels.fineOfRow, labels.fine.length, setting, categoryFit(plan, 200, 'refit', all));
  let priority: QuantizedScorer | null = null;
  if (plan.hasPriority) {
    const idx = all.filter((i) => (labels.priorityOfRow[i] as number) >= 0);
    const y = Int32Array.from(idx, (i) => labels.priorityOfRow[i] as number);
    priority = fitHead(
      selectRows(x, idx),
      y,
      labels.priorities.length,
      setting,
      headFit(plan, 301, 0, 'refit priority'),
    );
  }
  return { vocab, category, priority };
}

function flatMetrics(m: TrainMetrics): Record<string, number> {
  const out: Record<string, number> = {
    rows: m.rows,
    fitRows: m.fitRows,
    calibrationRows: m.calibrationRows,
    columns: m.columns,
    fineLabels: m.fineLabels,
    l2: m.setting.l2,
    learningRate: m.setting.learningRate,
    supervisedWeight: m.setting.supervisedWeight ?? 0,
    fineWeight: m.setting.fineWeight ?? 1,
  };
  const heads: [string, HeadMetrics & { macroF1?: number }][] = [['category', m.category]];
  if (m.priority) heads.push(['priority', m.priority]);
  for (const [name, h] of heads) {
    for (const key of [
      'accuracy',
      'macroF1',
      'eceBefore',
      'eceAfter',
      'nllBefore',
      'nllAfter',
      'temperature',
    ] as const) {
      const v = h[key];
      if (v !== undefined) out[`${name}.${key}`] = v;
    }
  }
  return out;
}
