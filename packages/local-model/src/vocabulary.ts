import { KeyTable } from './key-table.js';
import { forEachTicketKey, type TextPair } from './ticket-keys.js';
import type { WordKeys } from './text-keys.js';
import type { FeatureConfig } from './text-keys.js';
import type { VocabularyView } from './vectorizer.js';

export interface VocabularyOptions {
  config: FeatureConfig;
  /** A key seen in fewer tickets than this cannot generalise; dropping it keeps the file small. */
  minDf: number;
  /** Upper bound on columns, keeping the most frequent: bounds the file size. */
  maxColumns: number;
  blockWeights: readonly number[];
}

export interface Vocabulary extends VocabularyView {
  /** Sorted feature keys; key i is column i. */
  readonly keys: Uint32Array;
}

/** Document frequencies over the tickets, then the kept keys with smoothed IDF. */
export function buildVocabulary(tickets: readonly TextPair[], opts: VocabularyOptions): Vocabulary {
  const slotOf = new Map<number, number>();
  let df = new Int32Array(1 << 16);
  let lastDoc = new Int32Array(1 << 16);
  let block = new Uint8Array(1 << 16);
  let keys = new Uint32Array(1 << 16);
  const cache = new Map<string, WordKeys>();
  let doc = 0;
  const emit = (key: number, b: number): void => {
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = slotOf.size;
      slotOf.set(key, slot);
      if (slot === df.length) {
        df = grow(df, new Int32Array(df.length * 2));
        lastDoc = grow(lastDoc, new Int32Array(lastDoc.length * 2));
        block = grow(block, new Uint8Array(block.length * 2));
        keys = grow(keys, new Uint32Array(keys.length * 2));
      }
      keys[slot] = key;
      block[slot] = b;
      lastDoc[slot] = -1;
    }
    if (lastDoc[slot] !== doc) {
      lastDoc[slot] = doc;
      df[slot] = (df[slot] as number) + 1;
    }
  };
  for (doc = 0; doc < tickets.length; doc++) forEachTicketKey(tickets[doc] as TextPair, opts.config, cache, emit);

  const kept: number[] = [];
  for (let s = 0; s < slotOf.size; s++) if ((df[s] as number) >= opts.minDf) kept.push(s);
  // Most frequent first, key as the tie-break so the cut is the same on every run.
  kept.sort((a, b) => (df[b] as number) - (df[a] as number) || (keys[a] as number) - (keys[b] as number));
  const chosen = kept.slice(0, opts.maxColumns).sort((a, b) => (keys[a] as number) - (keys[b] as number));

  const n = tickets.length;
  const sortedKeys = new Uint32Array(chosen.length);
  const idf = new Float32Array(chosen.length);
  const blockOf = new Uint8Array(chosen.length);
  chosen.forEach((s, col) => {
    sortedKeys[col] = keys[s] as number;
    idf[col] = Math.log((1 + n) / (1 + (df[s] as number))) + 1;
    blockOf[col] = block[s] as number;
  });
  return {
    config: opts.config,
    keys: sortedKeys,
    table: new KeyTable(sortedKeys),
    idf,
    blockOf,
    blockWeights: opts.blockWeights,
  };
}

function grow<T extends Int32Array | Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
