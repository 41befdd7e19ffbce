import { FNV_OFFSET, fnvStep } from './hash.js';
import type { KeyTable } from './key-table.js';
import {
  BLOCKS,
  MAX_WORD_NGRAM,
  chainWord,
  foldCode,
  isWordCode,
  ngramKey,
  subjectKey,
  wordKeys,
  type FeatureConfig,
} from './text-keys.js';

/** What the vectoriser needs from a trained vocabulary. */
export interface VocabularyView {
  readonly config: FeatureConfig;
  readonly table: KeyTable;
  readonly idf: Float32Array;
  /** Which block each column belongs to; each block is L2-normalised on its own. */
  readonly blockOf: Uint8Array;
  /** Scale of each block after normalisation: how much each part of the ticket counts. */
  readonly blockWeights: readonly number[];
}

interface CachedWord {
  /** The word as first seen; a cache hit must match it (digits folded), not just its hash. */
  word: string;
  hash: number;
  unigram: number;
  chars: Int32Array;
  /** Character n-grams the word has, known to the model or not: the denominator of coverage. */
  charTotal: number;
}

/** 1 + ln(n) for small counts: sublinear term frequency without a logarithm per feature. */
const SUBLINEAR = Float64Array.from({ length: 64 }, (_, n) => (n > 0 ? 1 + Math.log(n) : 0));

/** Distinct words remembered; beyond this the cache starts again (it is a speed-up, never a result). */
const CACHE_LIMIT = 50_000;

function sameWord(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) {
    if (foldCode(word.charCodeAt(i)) !== foldCode(text.charCodeAt(start + i))) return false;
  }
  return true;
}

/**
 * Ticket → sparse TF-IDF vector: sublinear term frequency, IDF weights and per-block L2 norm. The
 * result lives in `indices`/`values` (first `nnz` entries) until the next call: prediction reuses one
 * buffer instead of allocating per ticket.
 */
export class Vectorizer {
  indices = new Int32Array(1024);
  values = new Float32Array(1024);
  nnz = 0;
  /**
   * Of the last ticket's feature occurrences, how many the vocabulary knows: words and word runs,
   * and character n-grams, each as [known, total]. Text unlike the training data (other words,
   * another language) leaves most of them unknown, which the out-of-domain gate reads.
   */
  readonly coverageCounts = new Float64Array(4);
  private readonly counts: Float32Array;
  // Keyed by the word's hash (as a small integer), which the scan computes anyway: no substring
  // and no string hashing per word on the hot path.
  private readonly bodyCache = new Map<number, CachedWord>();
  private readonly subjectCache = new Map<number, CachedWord>();
  private readonly history = new Uint32Array(MAX_WORD_NGRAM);
  private readonly sums = new Float64Array(BLOCKS);
  private readonly scales = new Float64Array(BLOCKS);

  constructor(private readonly vocab: VocabularyView) {
    this.counts = new Float32Array(vocab.idf.length);
  }

  vectorize(subject: string, body: string): number {
    this.nnz = 0;
    this.coverageCounts.fill(0);
    if (subject) {
      const lower = subject.toLowerCase();
      const mode = this.vocab.config.subject;
      if (mode !== 'separate') this.addText(lower, false);
      if (mode !== 'shared') this.addText(lower, true);
    }
    this.addText(body.toLowerCase(), false);
    this.weigh();
    return this.nnz;
  }

  private addText(text: string, salted: boolean): void {
    // The word loop of forEachWord, inlined: this is the hot path of prediction.
    const maxN = this.vocab.config.wordNgrams;
    const { history } = this;
    const table = this.vocab.table;
    let seen = 0;
    const len = text.length;
    let i = 0;
    while (i < len) {
      while (i < len && !isWordCode(text.charCodeAt(i))) i++;
      const start = i;
      let h = FNV_OFFSET;
      for (let c = text.charCodeAt(i); i < len && isWordCode(c); c = text.charCodeAt(++i)) h = fnvStep(h, foldCode(c));
      if (i === start) break;
      const word = this.lookup(text, start, i, h >>> 0, salted);
      const cover = this.coverageCounts;
      let knownWords = word.unigram >= 0 ? 1 : 0;
      this.add(word.unigram);
      let chained = word.hash;
      let runs = 0;
      for (let n = 2; n <= maxN && n - 1 <= seen; n++) {
        chained = chainWord(history[n - 2] as number, chained);
        const key = ngramKey(chained, n);
        const col = table.get(salted ? subjectKey(key) : key);
        if (col >= 0) knownWords++;
        runs++;
        this.add(col);
      }
      const chars = word.chars;
      for (let c = 0; c < chars.length; c++) this.add(chars[c] as number);
      cover[0] = (cover[0] as number) + knownWords;
      cover[1] = (cover[1] as number) + 1 + runs;
      cover[2] = (cover[2] as number) + chars.length;
      cover[3] = (cover[3] as number) + word.charTotal;
      history.copyWithin(1, 0, MAX_WORD_NGRAM - 1);
      history[0] = word.hash;
      if (seen < MAX_WORD_NGRAM) seen++;
    }
  }

  private lookup(text: string, start: number, end: number, hash: number, salted: boolean): CachedWord {
    const cache = salted ? this.subjectCache : this.bodyCache;
    const id = hash & 0x3fffffff;
    const hit = cache.get(id);
    if (hit && sameWord(hit.word, text, start, end)) return hit;
    const keys = wordKeys(text, start, end, this.vocab.config);
    const table = this.vocab.table;
    const found: number[] = [];
    for (let i = 0; i < keys.chars.length; i++) {
      const key = keys.chars[i] as number;
      const col = table.get(salted ? subjectKey(key) : key);
      if (col >= 0) found.push(col);
    }
    const word: CachedWord = {
      word: text.slice(start, end),
      hash: keys.hash,
      unigram: table.get(salted ? subjectKey(keys.unigram) : keys.unigram),
      chars: Int32Array.from(found),
      charTotal: keys.chars.length,
    };
    if (cache.size >= CACHE_LIMIT && !hit) cache.clear();
    cache.set(id, word);
    return word;
  }

  /**
   * Share of the last ticket's features the model knows: the mean of the word share (words and
   * word runs) and the character n-gram share; 0 for a ticket with no word at all.
   */
  coverage(): number {
    const c = this.coverageCounts;
    const words = (c[1] as number) > 0 ? (c[0] as number) / (c[1] as number) : 0;
    const chars = (c[3] as number) > 0 ? (c[2] as number) / (c[3] as number) : 0;
    return (words + chars) / 2;
  }

  private add(col: number): void {
    if (col < 0) return;
    const counts = this.counts;
    if (counts[col] === 0) {
      if (this.nnz === this.indices.length) this.grow();
      this.indices[this.nnz++] = col;
    }
    counts[col] = (counts[col] as number) + 1;
  }

  private grow(): void {
    const indices = new Int32Array(this.indices.length * 2);
    indices.set(this.indices);
    this.indices = indices;
    const values = new Float32Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
  }

  private weigh(): void {
    const { idf, blockOf, blockWeights } = this.vocab;
    const { indices, values, counts, sums, scales } = this;
    sums.fill(0);
    for (let i = 0; i < this.nnz; i++) {
      const col = indices[i] as number;
      const count = counts[col] as number;
      const v = (count < SUBLINEAR.length ? (SUBLINEAR[count] as number) : 1 + Math.log(count)) * (idf[col] as number);
      counts[col] = 0;
      values[i] = v;
      const b = blockOf[col] as number;
      sums[b] = (sums[b] as number) + v * v;
    }
    for (let b = 0; b < BLOCKS; b++) {
      const sum = sums[b] as number;
      scales[b] = sum > 0 ? (blockWeights[b] ?? 0) / Math.sqrt(sum) : 0;
    }
    for (let i = 0; i < this.nnz; i++) {
      values[i] = (values[i] as number) * (scales[blockOf[indices[i] as number] as number] as number);
    }
  }
}
