import { describe, expect, it } from 'vitest';
import type { SparseRows } from './sparse.js';
import { scaleColumns, supervisedColumnWeights } from './supervised-weights.js';

/** 40 rows, half of class 0 and half of class 1; column 0 in every row, column 1 only in class 0, column 2 in two rows of class 0. */
function rows(): { x: SparseRows; y: Int32Array } {
  const rowStart = [0];
  const indices: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < 40; r++) {
    const label = r % 2;
    y.push(label);
    indices.push(0);
    if (label === 0) indices.push(1);
    if (r === 0 || r === 2) indices.push(2);
    rowStart.push(indices.length);
  }
  const x: SparseRows = {
    rows: 40,
    cols: 3,
    rowStart: Int32Array.from(rowStart),
    indices: Int32Array.from(indices),
    values: new Float32Array(indices.length).fill(1),
  };
  return { x, y: Int32Array.from(y) };
}

describe('supervisedColumnWeights', () => {
  const { x, y } = rows();

  it('weighs a column that points at one class above one that is everywhere', () => {
    const w = supervisedColumnWeights(x, y, 2, 2);
    expect(w[0]).toBeCloseTo(1, 6);
    expect(w[1]).toBeGreaterThan(1.5);
  });

  it('does not trust a column seen in a couple of rows as much as a frequent one with the same labels', () => {
    const w = supervisedColumnWeights(x, y, 2, 2);
    expect(w[2]).toBeGreaterThan(1);
    expect(w[2]).toBeLessThan(w[1] as number);
  });

  it('is plain TF-IDF at power 0', () => {
    expect(Array.from(supervisedColumnWeights(x, y, 2, 0))).toEqual([1, 1, 1]);
  });
});

describe('scaleColumns', () => {
  it('gives the vectors the vectoriser gives with the scaled IDF', async () => {
    const { buildVocabulary } = await import('./vocabulary.js');
    const { Vectorizer } = await import('./vectorizer.js');
    const { vectorizeAll } = await import('./sparse.js');
    const tickets = [
      { subject: 'Refund', body: 'I was charged twice, please refund the invoice' },
      { subject: '', body: 'The server is down with a timeout error' },
      { subject: 'Rechnung', body: 'Bitte erstatten Sie die doppelte Abbuchung' },
    ];
    const config = { wordNgrams: 2, charMin: 3, charMax: 5, subject: 'separate' as const };
    const vocab = buildVocabulary(tickets, { config, minDf: 1, maxColumns: 1e9, blockWeights: [1, 0.5, 2, 1] });
    const x = vectorizeAll(tickets, new Vectorizer(vocab), vocab.idf.length);
    const w = Float32Array.from(vocab.idf, (_, j) => 1 + (j % 5) / 2);
    const scaled = scaleColumns(x, w, vocab.blockOf, vocab.blockWeights);
    const direct = vectorizeAll(
      tickets,
      new Vectorizer({ ...vocab, idf: Float32Array.from(vocab.idf, (v, j) => v * (w[j] as number)) }),
      vocab.idf.length,
    );
    expect(Array.from(scaled.indices)).toEqual(Array.from(direct.indices));
    scaled.values.forEach((v, i) => expect(v).toBeCloseTo(direct.values[i] as number, 5));
  });
});
