import { describe, expect, it } from 'vitest';
import { softmaxInto } from './linear.js';
import { trainSoftmax } from './softmax-sgd.js';
import type { SparseRows } from './sparse.js';

// Four one-hot rows: feature r marks row r. Labels 0 and 1 are sibling fine labels of group 0,
// label 2 is alone in group 1.
const x: SparseRows = {
  rows: 4,
  cols: 4,
  rowStart: Int32Array.from([0, 1, 2, 3, 4]),
  indices: Int32Array.from([0, 1, 2, 3]),
  values: Float32Array.from([1, 1, 1, 1]),
};
const y = Int32Array.from([0, 1, 2, 2]);
const groupOf = Int32Array.from([0, 0, 1]);

function probsOfRow(fineWeight: number, row: number): Float64Array {
  const m = trainSoftmax(x, y, { classes: 3, l2: 1e-4, epochs: 30, seed: 1, eta0: 0.5, groupOf, fineWeight });
  const logits = Float64Array.from({ length: 3 }, (_, k) => (m.bias[k] as number) + (m.weights[row * 3 + k] as number));
  const p = new Float64Array(3);
  softmaxInto(logits, 0, 3, 1, p);
  return p;
}

describe('trainSoftmax', () => {
  it('separates sibling fine labels when the loss is on the fine label', () => {
    const p = probsOfRow(1, 0);
    expect(p[0]).toBeGreaterThan(0.8);
    expect(p[1]).toBeLessThan(0.1);
  });

  it('with the loss on the group only, learns the group and leaves the siblings alike', () => {
    const p = probsOfRow(0, 0);
    expect((p[0] as number) + (p[1] as number)).toBeGreaterThan(0.9);
    expect(p[0]).toBeCloseTo(p[1] as number, 6);
  });

  it('mixes the two: siblings apart, but less sure than on the fine label alone', () => {
    const half = probsOfRow(0.5, 0);
    const full = probsOfRow(1, 0);
    expect(half[0]).toBeGreaterThan(half[1] as number);
    expect(half[0]).toBeLessThan(full[0] as number);
    expect((half[0] as number) + (half[1] as number)).toBeGreaterThan(0.9);
  });
});
