import type { TextPair } from './ticket-keys.js';
import type { Vectorizer } from './vectorizer.js';

/** Rows of sparse feature vectors in compressed-row form: row r is entries rowStart[r]..rowStart[r+1]. */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export function vectorizeAll(tickets: readonly TextPair[], vectorizer: Vectorizer, cols: number): SparseRows {
  const rowStart = new Int32Array(tickets.length + 1);
  let indices = new Int32Array(Math.max(1024, tickets.length * 64));
  let values = new Float32Array(indices.length);
  let at = 0;
  tickets.forEach((t, r) => {
    const nnz = vectorizer.vectorize(t.subject, t.body);
    if (at + nnz > indices.length) {
      const size = Math.max(indices.length * 2, at + nnz);
      const nextIndices = new Int32Array(size);
      nextIndices.set(indices.subarray(0, at));
      indices = nextIndices;
      const nextValues = new Float32Array(size);
      nextValues.set(values.subarray(0, at));
      values = nextValues;
    }
    indices.set(vectorizer.indices.subarray(0, nnz), at);
    values.set(vectorizer.values.subarray(0, nnz), at);
    at += nnz;
    rowStart[r + 1] = at;
  });
  return { rows: tickets.length, cols, rowStart, indices: indices.slice(0, at), values: values.slice(0, at) };
}

/** A subset of the rows, in the given order. */
export function selectRows(m: SparseRows, which: ArrayLike<number>): SparseRows {
  let total = 0;
  for (let i = 0; i < which.length; i++) {
    const r = which[i] as number;
    total += (m.rowStart[r + 1] as number) - (m.rowStart[r] as number);
  }
  const rowStart = new Int32Array(which.length + 1);
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  let at = 0;
  for (let i = 0; i < which.length; i++) {
    const r = which[i] as number;
    const from = m.rowStart[r] as number;
    const to = m.rowStart[r + 1] as number;
    indices.set(m.indices.subarray(from, to), at);
    values.set(m.values.subarray(from, to), at);
    at += to - from;
    rowStart[i + 1] = at;
  }
  return { rows: which.length, cols: m.cols, rowStart, indices, values };
}
