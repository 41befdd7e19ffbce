import { z } from 'zod';

/**
 * The format this code writes. It also reads formatVersion 1 (before the out-of-domain gate and the
 * row fingerprints): such a file gets a conservative default gate and no overlap check. Any other
 * number is refused with a clear error.
 */
export const FORMAT_VERSION = 2;
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

const Threshold = z.strictObject({
  /** Accuracy wanted on the answers the tier keeps. */
  targetAccuracy: z.number().min(0).max(1),
  /** Keep an answer whose confidence is at least this; null when no threshold met the target. */
  threshold: z.number().min(0).max(1).nullable(),
  /** Share kept and its accuracy, on the calibration split the threshold was chosen on. */
  coverage: z.number().min(0).max(1),
  accuracy: z.number().min(0).max(1),
});
export type Threshold = z.infer<typeof Threshold>;

/** One softmax head: int8 weights per class (feature-major), a bias and a temperature. */
const Head = z.strictObject({
  labels: z.array(z.string().min(1).max(200)).min(1).max(10_000),
  temperature: z.number().positive(),
  bias: z.array(z.number()),
  /** Per-class dequantisation scale: weight = int8 value × scale. */
  scales: z.array(z.number().nonnegative()),
  /** base64 of int8[columns × labels]. */
  weights: z.string(),
});

const SortedHashes = z.strictObject({
  count: z.number().int().nonnegative(),
  /** base64 of the sorted, distinct 32-bit hashes as varint gaps. */
  data: z.string(),
});

/** What formatVersion 2 adds: the out-of-domain gate and the training rows' fingerprints. */
const Additions = {
  /** Cut-offs of the out-of-domain gate, fitted on the calibration split (see domain-gate.ts). */
  outOfDomain: z.strictObject({
    method: z.literal('coverage+energy'),
    coverageCut: z.number().min(0).max(1),
    energyCut: z.number(),
    rejectShare: z.number().min(0).max(1),
    calibrationRows: z.number().int().nonnegative(),
  }),
  /** 32-bit hashes of the training rows' normalised text and ids, for `calibrate`'s overlap check. */
  trainingRowHashes: z.strictObject({ text: SortedHashes, ids: SortedHashes }),
};

const FileV1 = z.strictObject({
  formatVersion: z.literal(1),
  modelVersion: z.string().min(1).max(200),
  trainedAt: z.iso.datetime(),
  trainingDataHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
  trainingRows: z.number().int().nonnegative(),
  categories: z.array(z.string()).min(1),
  priorities: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  /** Thresholds chosen on the calibration split for a few accuracy targets; the cascade may use them. */
  thresholds: z.strictObject({ category: z.array(Threshold), priority: z.array(Threshold) }),
  features: z.strictObject({
    wordNgrams: z.number().int().min(1).max(4),
    charMin: z.number().int().min(1).max(8),
    charMax: z.number().int().min(1).max(8),
    subject: z.enum(['shared', 'separate', 'both']),
    blockWeights: z.array(z.number().nonnegative()).length(4),
    columns: z.number().int().min(1).max(4_000_000),
    /** base64 of the sorted feature keys as varint gaps; key i is column i. */
    keys: z.string(),
    /** base64 of uint16 LE per column; idf = value × idfScale. */
    idf: z.string(),
    idfScale: z.number().positive(),
    /** base64 of each column's block (0–3), four to a byte. */
    blocks: z.string(),
  }),
  /** Fine labels (intents, queues) and the category each sums into. */
  category: Head.extend({ labelCategories: z.array(z.string()) }),
  /** Null when the training rows had no priorities. */
  priority: Head.nullable(),
});

/** A file written before the out-of-domain gate; still read, with a default gate. */
export const LocalModelFileV1 = FileV1;
export type LocalModelFileV1 = z.infer<typeof FileV1>;

export const LocalModelFile = FileV1.extend({ formatVersion: z.literal(FORMAT_VERSION), ...Additions });
export type LocalModelFile = z.infer<typeof LocalModelFile>;
