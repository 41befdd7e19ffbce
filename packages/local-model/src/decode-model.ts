import { CATEGORIES, PRIORITIES, type Category, type Priority } from '@switchboard/core';
import { base64ToBytes, bytesToUint16, decodeSortedKeys, unpackTwoBit } from './codec.js';
import { LEGACY_GATE, type DomainGate } from './domain-gate.js';
import { LocalModelFileError } from './errors.js';
import { frequentFirst, permuteRows } from './column-order.js';
import { KeyTable } from './key-table.js';
import { LinearLocalModel, type HeadParams } from './linear-local-model.js';
import { FORMAT_VERSION, LocalModelFile, LocalModelFileV1, READABLE_FORMAT_VERSIONS } from './model-file.js';
import type { TrainingRowHashes } from './row-hashes.js';
import { MIN_TEMPERATURE } from './temperature.js';
import type { LocalModelMeta } from './types.js';

/**
 * Validates a parsed model file completely — schema, format version, taxonomy, every array's length
 * and value range — and builds the model. Everything prediction relies on is checked here, so a bad
 * file fails at start-up with a LocalModelFileError naming the problem, never mid-prediction.
 */
export function decodeLocalModel(data: unknown, source: string): LinearLocalModel {
  const fail = (problem: string): never => {
    throw new LocalModelFileError(source, problem);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('is not a JSON object');
  const version = (data as { formatVersion?: unknown }).formatVersion;
  const readable = READABLE_FORMAT_VERSIONS.join(' or ');
  if (typeof version !== 'number' || !READABLE_FORMAT_VERSIONS.includes(version)) {
    fail(
      version === undefined
        ? `has no formatVersion (this build reads formatVersion ${readable})`
        : `has formatVersion ${JSON.stringify(version)}; this build reads formatVersion ${readable} (retrain with \`pnpm ops train\`)`,
    );
  }
  const parsed = (version === FORMAT_VERSION ? LocalModelFile : LocalModelFileV1).safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail(`does not match the model file schema: ${issues.join('; ')}`);
  }
  const file: LocalModelFile | LocalModelFileV1 = parsed.data;
  const f = file.features;
  if (f.charMin > f.charMax) fail(`features.charMin ${f.charMin} is above features.charMax ${f.charMax}`);

  const unknownCategory = file.category.labelCategories.find((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (unknownCategory !== undefined) {
    fail(
      `category.labelCategories has "${unknownCategory}", which is not a category of the taxonomy (${CATEGORIES.join(', ')})`,
    );
  }
  const unknownListed = file.categories.find((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (unknownListed !== undefined)
    fail(`categories has "${unknownListed}", which is not a category of the taxonomy (${CATEGORIES.join(', ')})`);
  const labelCategories = file.category.labelCategories as Category[];
  const covered = [...new Set(labelCategories)].sort();
  if (
    JSON.stringify([...new Set(file.categories)].sort()) !== JSON.stringify(covered) ||
    new Set(file.categories).size !== file.categories.length
  ) {
    fail(
      `categories [${file.categories.join(', ')}] do not match the categories of category.labelCategories [${covered.join(', ')}]`,
    );
  }
  const unknownPriority = [...file.priorities, ...(file.priority?.labels ?? [])].find(
    (p) => !(PRIORITIES as readonly string[]).includes(p),
  );
  if (unknownPriority !== undefined)
    fail(`priority label "${unknownPriority}" is not a priority of the taxonomy (${PRIORITIES.join(', ')})`);
  if (JSON.stringify(file.priorities) !== JSON.stringify(file.priority?.labels ?? [])) {
    fail(
      `priorities [${file.priorities.join(', ')}] do not match priority.labels [${(file.priority?.labels ?? []).join(', ')}]`,
    );
  }

  const cols = f.columns;
  const keysBytes = base64ToBytes(f.keys) ?? fail('features.keys is not valid base64');
  const keys =
    decodeSortedKeys(keysBytes, cols) ?? fail(`features.keys does not hold ${cols} strictly increasing keys`);
  const idfBytes = base64ToBytes(f.idf) ?? fail('features.idf is not valid base64');
  const idfRaw = bytesToUint16(idfBytes);
  if (!idfRaw || idfRaw.length !== cols) fail(`features.idf must hold ${cols} uint16 values`);
  const idf = Float32Array.from(idfRaw ?? [], (q) => q * f.idfScale);
  if (idf.some((v) => !(v > 0) || !Number.isFinite(v))) fail('features.idf has a value that is not a positive number');
  const blocksBytes = base64ToBytes(f.blocks) ?? fail('features.blocks is not valid base64');
  const blockOf = unpackTwoBit(blocksBytes, cols) ?? fail(`features.blocks must hold ${cols} two-bit values`);

  const head = (
    name: string,
    h: { labels: string[]; bias: number[]; scales: number[]; weights: string; temperature: number },
  ): HeadParams => {
    const k = h.labels.length;
    if (new Set(h.labels).size !== k) fail(`${name}.labels has a duplicate`);
    if (h.bias.length !== k) fail(`${name}.bias has ${h.bias.length} values for ${k} labels`);
    if (h.scales.length !== k) fail(`${name}.scales has ${h.scales.length} values for ${k} labels`);
    const bytes = base64ToBytes(h.weights) ?? fail(`${name}.weights is not valid base64`);
    if (bytes.length !== cols * k)
      fail(`${name}.weights holds ${bytes.length} values; expected ${cols} columns × ${k} labels = ${cols * k}`);
    const values = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // A file from before the floor may sharpen (T < 1 made an easy calibration split's model look
    // surer than it is on other text); it is read with the floor applied, as training now fits it.
    const temperature = Math.max(MIN_TEMPERATURE, h.temperature);
    return { values, scales: Float64Array.from(h.scales), bias: Float64Array.from(h.bias), temperature };
  };
  if (file.category.labelCategories.length !== file.category.labels.length) {
    fail(
      `category.labelCategories has ${file.category.labelCategories.length} entries for ${file.category.labels.length} labels`,
    );
  }
  const newCol = frequentFirst(idf);
  const reorder = (h: HeadParams, k: number): HeadParams => ({
    ...h,
    values: permuteRows(h.values, k, newCol, (n) => new Int8Array(n)),
  });
  const category = { ...reorder(head('category', file.category), file.category.labels.length), labelCategories };
  const priority = file.priority
    ? {
        ...reorder(head('priority', file.priority), file.priority.labels.length),
        labels: file.priority.labels as Priority[],
      }
    : null;

  let outOfDomain: DomainGate = LEGACY_GATE;
  let trainingRowHashes: TrainingRowHashes | null = null;
  if (file.formatVersion === FORMAT_VERSION) {
    const gate = file.outOfDomain;
    outOfDomain = {
      coverageCut: gate.coverageCut,
      energyCut: gate.energyCut,
      rejectShare: gate.rejectShare,
      calibrationRows: gate.calibrationRows,
    };
    const hashes = (name: 'text' | 'ids'): Uint32Array => {
      const h = file.trainingRowHashes[name];
      const bytes = base64ToBytes(h.data) ?? fail(`trainingRowHashes.${name}.data is not valid base64`);
      return (
        decodeSortedKeys(bytes, h.count) ??
        fail(`trainingRowHashes.${name}.data does not hold ${h.count} strictly increasing hashes`)
      );
    };
    trainingRowHashes = { text: hashes('text'), ids: hashes('ids') };
  }

  const meta: LocalModelMeta = {
    formatVersion: file.formatVersion,
    modelVersion: file.modelVersion,
    trainedAt: file.trainedAt,
    trainingDataHash: file.trainingDataHash,
    trainingRows: file.trainingRows,
    categories: file.categories as Category[],
    priorities: file.priorities as Priority[],
    metrics: file.metrics,
    fineLabels: file.category.labels,
    thresholds: file.thresholds,
    outOfDomain,
    trainingRowHashes,
  };
  const vocab = {
    config: { wordNgrams: f.wordNgrams, charMin: f.charMin, charMax: f.charMax, subject: f.subject },
    table: new KeyTable(keys, newCol),
    idf: permuteRows(idf, 1, newCol, (n) => new Float32Array(n)),
    blockOf: permuteRows(blockOf, 1, newCol, (n) => new Uint8Array(n)),
    blockWeights: f.blockWeights,
  };
  return new LinearLocalModel({ meta, vocab, category, priority });
}
