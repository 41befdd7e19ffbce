// 32-bit hashing for feature keys. FNV-1a steps let n-gram hashes grow one character at a time, and
// the murmur3 finaliser spreads the bits so keys from different namespaces do not cluster.

export const FNV_OFFSET = 0x811c9dc5;

export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193);
}

export function fmix32(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Salts keep the namespaces (words, word pairs, character n-grams) apart in one key space. */
export const SALT_WORD = 0x1b873593;
export const SALT_BIGRAM = 0x5bd1e995;
export const SALT_CHAR = 0x27d4eb2f;
export const SALT_SUBJECT = 0x165667b1;
