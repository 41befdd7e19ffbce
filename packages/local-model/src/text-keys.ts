import { FNV_OFFSET, SALT_BIGRAM, SALT_CHAR, SALT_SUBJECT, SALT_WORD, fmix32, fnvStep } from './hash.js';

/** How a ticket becomes feature keys; stored in the model file so prediction extracts what training saw. */
export interface FeatureConfig {
  /** Longest run of adjacent words used as one feature (1 = single words only). */
  wordNgrams: number;
  /** Character n-grams inside each word padded with a space at each end (so prefixes and suffixes count). */
  charMin: number;
  charMax: number;
  /**
   * Where subject features go: into the body's blocks (`shared`), into blocks of their own that are
   * normalised and weighted apart (`separate`: a subject says more per word than a body, and in one
   * block it would be drowned by the body's length), or both.
   */
  subject: 'shared' | 'separate' | 'both';
}

/** Feature blocks; each is L2-normalised on its own, then scaled by its weight. */
export const BODY_WORDS = 0;
export const BODY_CHARS = 1;
export const SUBJECT_WORDS = 2;
export const SUBJECT_CHARS = 3;
export const BLOCKS = 4;

/** The key a feature has in the subject's own blocks. */
export function subjectKey(key: number): number {
  return fmix32(key ^ SALT_SUBJECT);
}

const SPACE = 32;

/**
 * Letters and digits of any script. Below U+00C0 only a–z and 0–9 (text is lower-cased first);
 * above, everything except the common punctuation and symbol blocks, which is cheaper than a
 * Unicode property test per character and close enough for the scripts tickets arrive in.
 */
export function isWordCode(c: number): boolean {
  if (c < 0xc0) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff20) return false;
  return true;
}

/** Digits fold to 0: order numbers and amounts differ on every ticket, their shape does not. */
export function foldCode(c: number): number {
  return c >= 49 && c <= 57 ? 48 : c;
}

/** The keys one word contributes wherever it occurs; cached per distinct word by the vectoriser. */
export interface WordKeys {
  /** Hash of the word itself, combined with its neighbour's to key a bigram. */
  readonly hash: number;
  readonly unigram: number;
  readonly chars: Uint32Array;
}

/** Longer "words" are URLs, hashes or pasted logs: their head carries what n-grams can use. */
const MAX_CHAR_WORD = 24;

export function wordKeys(text: string, start: number, end: number, cfg: FeatureConfig): WordKeys {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = fnvStep(h, foldCode(text.charCodeAt(i)));
  const padded = Math.min(end - start, MAX_CHAR_WORD) + 2;
  const { charMin, charMax } = cfg;
  let count = 0;
  for (let n = charMin; n <= charMax; n++) if (padded >= n) count += padded - n + 1;
  const chars = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < padded; i++) {
    let g = FNV_OFFSET ^ SALT_CHAR;
    const stop = Math.min(padded, i + charMax);
    for (let j = i; j < stop; j++) {
      const c = j === 0 || j === padded - 1 ? SPACE : foldCode(text.charCodeAt(start + j - 1));
      g = fnvStep(g, c);
      if (j - i + 1 >= charMin) chars[k++] = fmix32(g + j - i);
    }
  }
  return { hash: h >>> 0, unigram: fmix32(h ^ SALT_WORD), chars };
}

/** Most words a run can have; bounds the history the extractors keep. */
export const MAX_WORD_NGRAM = 4;

/** Chains a word's hash onto the hash of the run after it: n-gram hashes grow leftwards one word at a time. */
export function chainWord(earlier: number, later: number): number {
  return Math.imul(earlier, 0x9e3779b1) ^ later;
}

export function ngramKey(chained: number, n: number): number {
  return fmix32(chained ^ SALT_BIGRAM ^ n);
}

/**
 * Calls `onWord` for each word of the lower-cased text, in order. The vectoriser inlines the same
 * loop for speed; a test holds the two to the same keys.
 */
export function forEachWord(text: string, onWord: (start: number, end: number) => void): void {
  const len = text.length;
  let i = 0;
  while (i < len) {
    while (i < len && !isWordCode(text.charCodeAt(i))) i++;
    const start = i;
    while (i < len && isWordCode(text.charCodeAt(i))) i++;
    if (i > start) onWord(start, i);
  }
}
