import { createHash } from 'node:crypto';
import type { Category } from '@switchboard/core';
import { bytesToBase64, encodeSortedKeys, packTwoBit, uint16ToBytes } from './codec.js';
import type { DomainGate } from './domain-gate.js';
import { FORMAT_VERSION, type LocalModelFile, type Threshold } from './model-file.js';
import type { TrainingRowHashes } from './row-hashes.js';
import type { QuantizedScorer } from './quantize.js';
import type { Vocabulary } from './vocabulary.js';

export interface EncodedHead {
  labels: string[];
  scorer: QuantizedScorer;
  temperature: number;
}

export interface ModelToEncode {
  vocab: Vocabulary;
  category: EncodedHead & { labelCategories: Category[] };
  priority: EncodedHead | null;
  trainedAt: Date;
  trainingDataHash: string;
  trainingRows: number;
  metrics: Record<string, number>;
  thresholds: { category: Threshold[]; priority: Threshold[] };
  outOfDomain: DomainGate & { rejectShare: number };
  rowHashes: TrainingRowHashes;
}

const sortedHashes = (h: Uint32Array): { count: number; data: string } => ({
  count: h.length,
  data: bytesToBase64(encodeSortedKeys(h)),
});

function encodeHead(h: EncodedHead): Omit<LocalModelFile['category'], 'labelCategories'> {
  const q = h.scorer;
  return {
    labels: h.labels,
    temperature: h.temperature,
    bias: Array.from(h.scorer.bias),
    scales: Array.from(q.scales),
    weights: bytesToBase64(new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.byteLength)),
  };
}

/**
 * The model as its JSON file: metadata in the clear, arrays as base64 (int8 weights, uint16 IDF,
 * varint key gaps). The version name hashes the content, so two different models never share one.
 */
export function encodeLocalModel(m: ModelToEncode): LocalModelFile {
  const idf = m.vocab.idf;
  let maxIdf = 0;
  for (const v of idf) maxIdf = Math.max(maxIdf, v);
  const idfScale = maxIdf > 0 ? maxIdf / 65535 : 1;
  const idfQ = Uint16Array.from(idf, (v) => Math.max(1, Math.round(v / idfScale)));
  const features: LocalModelFile['features'] = {
    wordNgrams: m.vocab.config.wordNgrams,
    charMin: m.vocab.config.charMin,
    charMax: m.vocab.config.charMax,
    subject: m.vocab.config.subject,
    blockWeights: [...m.vocab.blockWeights],
    columns: idf.length,
    keys: bytesToBase64(encodeSortedKeys(m.vocab.keys)),
    idf: bytesToBase64(uint16ToBytes(idfQ)),
    idfScale,
    blocks: bytesToBase64(packTwoBit(m.vocab.blockOf)),
  };
  const category = { ...encodeHead(m.category), labelCategories: m.category.labelCategories };
  const priority = m.priority ? encodeHead(m.priority) : null;
  const outOfDomain: LocalModelFile['outOfDomain'] = {
    method: 'coverage+energy',
    coverageCut: m.outOfDomain.coverageCut,
    energyCut: m.outOfDomain.energyCut,
    rejectShare: m.outOfDomain.rejectShare,
    calibrationRows: m.outOfDomain.calibrationRows,
  };
  // The gate is part of what the model does, so a different gate is a different version.
  const content = createHash('sha256')
    .update(JSON.stringify([features, category, priority, m.trainingDataHash, outOfDomain]))
    .digest('hex')
    .slice(0, 8);
  const day = m.trainedAt.toISOString().slice(0, 10).replace(/-/g, '');
  const categories = [...new Set(m.category.labelCategories)];
  return {
    formatVersion: FORMAT_VERSION,
    modelVersion: `local-${day}-${content}`,
    trainedAt: m.trainedAt.toISOString(),
    trainingDataHash: m.trainingDataHash,
    trainingRows: m.trainingRows,
    categories,
    priorities: m.priority ? [...m.priority.labels] : [],
    metrics: m.metrics,
    thresholds: m.thresholds,
    outOfDomain,
    trainingRowHashes: { text: sortedHashes(m.rowHashes.text), ids: sortedHashes(m.rowHashes.ids) },
    features,
    category,
    priority,
  };
}
