import { describe, expect, it } from 'vitest';
import { decodeSortedKeys, encodeSortedKeys, packTwoBit, unpackTwoBit } from './codec.js';
import { KeyTable } from './key-table.js';
import { forEachTicketKey } from './ticket-keys.js';
import type { FeatureConfig, WordKeys } from './text-keys.js';
import { Vectorizer } from './vectorizer.js';
import { buildVocabulary } from './vocabulary.js';

const tickets = [
  { subject: 'Rückerstattung bitte', body: 'Ich wurde doppelt belastet, Bestellung 4711. Bitte erstatten!' },
  { subject: '', body: 'The server is down; error 503 since 09:00. The server is DOWN.' },
  { subject: 'Login', body: 'cannot log in — password reset e-mail never arrives' },
];

describe('features', () => {
  for (const subject of ['shared', 'separate', 'both'] as const) {
    it(`the vectoriser finds exactly the keys the vocabulary counted (subject ${subject})`, () => {
      const config: FeatureConfig = { wordNgrams: 3, charMin: 2, charMax: 5, subject };
      const vocab = buildVocabulary(tickets, { config, minDf: 1, maxColumns: 1e9, blockWeights: [1, 1, 1, 1] });
      const v = new Vectorizer(vocab);
      for (const t of tickets) {
        const keys = new Set<number>();
        forEachTicketKey(t, config, new Map<string, WordKeys>(), (key) => keys.add(key));
        expect(v.vectorize(t.subject, t.body)).toBe(keys.size);
        const found = new Set(Array.from(v.indices.subarray(0, v.nnz), (col) => vocab.keys[col]));
        expect(found).toEqual(keys);
      }
    });
  }

  it('normalises each block to its weight', () => {
    const config: FeatureConfig = { wordNgrams: 2, charMin: 3, charMax: 5, subject: 'separate' };
    const vocab = buildVocabulary(tickets, { config, minDf: 1, maxColumns: 1e9, blockWeights: [1, 0.5, 2, 0] });
    const v = new Vectorizer(vocab);
    v.vectorize(tickets[0]?.subject ?? '', tickets[0]?.body ?? '');
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < v.nnz; i++) {
      const b = vocab.blockOf[v.indices[i] as number] as number;
      sums[b] = (sums[b] as number) + (v.values[i] as number) ** 2;
    }
    expect(sums.map((s) => Math.sqrt(s))).toEqual([
      expect.closeTo(1, 5),
      expect.closeTo(0.5, 5),
      expect.closeTo(2, 5),
      0,
    ]);
  });

  it('folds case and digits, and ignores words it never saw', () => {
    const config: FeatureConfig = { wordNgrams: 1, charMin: 3, charMax: 3, subject: 'shared' };
    const vocab = buildVocabulary([{ subject: '', body: 'order 1234' }], {
      config,
      minDf: 1,
      maxColumns: 1e9,
      blockWeights: [1, 1, 1, 1],
    });
    const v = new Vectorizer(vocab);
    const n = v.vectorize('', 'ORDER 9876');
    const again = new Vectorizer(vocab);
    expect(again.vectorize('', 'order 1234')).toBe(n);
    expect(v.vectorize('', 'zzz qqq')).toBe(0);
  });

  it('caps the vocabulary at the most frequent keys', () => {
    const config: FeatureConfig = { wordNgrams: 1, charMin: 3, charMax: 3, subject: 'shared' };
    const vocab = buildVocabulary(tickets, { config, minDf: 1, maxColumns: 10, blockWeights: [1, 1, 1, 1] });
    expect(vocab.keys).toHaveLength(10);
    expect(vocab.keys.every((k, i, all) => i === 0 || k > (all[i - 1] as number))).toBe(true);
  });
});

describe('codec and key table', () => {
  it('round-trips sorted keys, including the extremes', () => {
    const keys = Uint32Array.from([0, 1, 127, 128, 300, 70_000, 2 ** 31, 0xffffffff]);
    expect(decodeSortedKeys(encodeSortedKeys(keys), keys.length)).toEqual(keys);
    expect(decodeSortedKeys(encodeSortedKeys(keys), keys.length + 1)).toBeNull();
    expect(decodeSortedKeys(Uint8Array.from([5, 0]), 2)).toBeNull();
  });

  it('round-trips two-bit blocks', () => {
    const blocks = Uint8Array.from([0, 1, 2, 3, 3, 2, 1]);
    expect(unpackTwoBit(packTwoBit(blocks), blocks.length)).toEqual(blocks);
  });

  it('maps keys to columns and misses unknown keys', () => {
    const keys = Uint32Array.from([3, 99, 1000, 0xfffffff0]);
    const table = new KeyTable(keys);
    keys.forEach((k, i) => expect(table.get(k)).toBe(i));
    expect(table.get(4)).toBe(-1);
    expect(new KeyTable(new Uint32Array(0)).get(1)).toBe(-1);
  });
});
