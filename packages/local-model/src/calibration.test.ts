import { describe, expect, it } from 'vitest';
import { softmaxInto } from './linear.js';
import {
  chooseCalibratedThreshold,
  chooseThreshold,
  coverageAt,
  expectedCalibrationError,
  macroF1,
} from './metrics.js';
import { createRng } from './rng.js';
import { syntheticTickets } from './testing/synthetic-tickets.js';
import { fitTemperature, MIN_TEMPERATURE } from './temperature.js';
import { trainLocalModel } from './train.js';

/**
 * Rows whose labels are drawn from softmax(z) but whose model reports softmax(sharpness · z):
 * right as often as the true probabilities say, yet sure of itself `sharpness` times too much.
 */
function overconfident(rows: number, K: number, sharpness: number, seed: number) {
  const rand = createRng(seed);
  const truth = new Float64Array(rows * K);
  const logits = new Float64Array(rows * K);
  const target = new Int32Array(rows);
  const p = new Float64Array(K);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) truth[r * K + k] = (rand() - 0.5) * 3;
    softmaxInto(truth, r * K, K, 1, p);
    let u = rand();
    let label = K - 1;
    for (let k = 0; k < K; k++) {
      u -= p[k] as number;
      if (u <= 0) {
        label = k;
        break;
      }
    }
    target[r] = label;
    for (let k = 0; k < K; k++) logits[r * K + k] = sharpness * (truth[r * K + k] as number);
  }
  return { logits, target };
}

function eceAt(logits: Float64Array, target: Int32Array, K: number, temperature: number): number {
  const p = new Float64Array(K);
  const conf: number[] = [];
  const correct: boolean[] = [];
  for (let r = 0; r < target.length; r++) {
    softmaxInto(logits, r * K, K, temperature, p);
    let best = 0;
    for (let k = 1; k < K; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    conf.push(p[best] as number);
    correct.push(best === target[r]);
  }
  return expectedCalibrationError(conf, correct);
}

describe('temperature scaling', () => {
  it('measurably reduces ECE on a synthetic over-confident case, fitted on one split and checked on another', () => {
    const K = 5;
    const identity = Int32Array.from({ length: K }, (_, i) => i);
    const cal = overconfident(3000, K, 3, 1);
    const test = overconfident(3000, K, 3, 2);
    const t = fitTemperature(cal.logits, K, identity, cal.target);
    expect(t).toBeGreaterThan(2.5);
    expect(t).toBeLessThan(3.5);
    const before = eceAt(test.logits, test.target, K, 1);
    const after = eceAt(test.logits, test.target, K, t);
    expect(before).toBeGreaterThan(0.15);
    expect(after).toBeLessThan(0.03);
  });

  it('sums fine classes into groups before judging them', () => {
    // Two fine classes per group, split evenly: the group is certain, each fine class is not.
    const logits = Float64Array.from([2, 2, -5, -5, -5, -5, 2, 2]);
    const t = fitTemperature(logits, 4, Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1]));
    // Summed, the groups are certain, so it sharpens, as far as the floor lets it.
    expect(t).toBeCloseTo(MIN_TEMPERATURE, 3);
  });

  it('softens a trained model that is over-confident on noisy labels (T > 1), and its ECE falls', () => {
    // Labels flipped at random for a quarter of the rows: the model cannot know which.
    const rand = createRng(5);
    const rows = syntheticTickets(800, 7, 0.2).map((r, i, all) =>
      rand() < 0.25
        ? {
            ...r,
            category: all[(i + 3) % all.length]?.category ?? r.category,
            fineLabel: all[(i + 3) % all.length]?.fineLabel,
          }
        : r,
    );
    const { metrics } = trainLocalModel(rows, { seed: 1, settings: [{ l2: 1e-6, learningRate: 1 }], epochs: 20 });
    expect(metrics.category.temperature).toBeGreaterThan(1);
    expect(metrics.category.eceAfter).toBeLessThan(metrics.category.eceBefore);
    expect(metrics.category.nllAfter).toBeLessThan(metrics.category.nllBefore);
  });
});

describe('expectedCalibrationError', () => {
  it('is zero when every bin is as accurate as it is confident, and the gap otherwise', () => {
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, true, false])).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([0.9, 0.9], [false, false])).toBeCloseTo(0.9, 12);
    // Two bins, half the rows each: |0.95 - 1| / 2 + |0.55 - 0| / 2.
    expect(expectedCalibrationError([0.95, 0.55], [true, false])).toBeCloseTo(0.3, 12);
    expect(expectedCalibrationError([1, 0], [true, false])).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([], [])).toBe(0);
  });

  it('uses the number of bins it is given', () => {
    expect(expectedCalibrationError([0.6, 0.9], [false, true], 1)).toBeCloseTo(0.25, 12);
  });
});

describe('chooseThreshold', () => {
  const conf = [0.99, 0.95, 0.9, 0.9, 0.8, 0.7, 0.6];
  const correct = [true, true, true, false, true, false, false];

  it('takes the most rows that still meet the target, never splitting equal confidences', () => {
    expect(chooseThreshold(conf, correct, 0.8)).toEqual({ threshold: 0.8, coverage: 5 / 7, accuracy: 0.8 });
    expect(chooseThreshold(conf, correct, 1)).toEqual({ threshold: 0.95, coverage: 2 / 7, accuracy: 1 });
    expect(chooseThreshold(conf, correct, 0.5).threshold).toBe(0.6);
  });

  it('says null when no threshold meets the target', () => {
    expect(chooseThreshold([0.9, 0.8], [false, true], 0.95)).toEqual({ threshold: null, coverage: 0, accuracy: 0 });
    expect(coverageAt([0.9], [true], null)).toEqual({ coverage: 0, accuracy: 0, taken: 0 });
  });

  it('can judge candidates by their mean calibrated confidence instead, reporting the counted accuracy', () => {
    // Running means: 0.99, 0.97, 0.935, 0.935, 0.908, 0.89 → the lowest threshold whose mean is ≥ 0.9 is 0.8.
    expect(chooseCalibratedThreshold(conf, correct, 0.9)).toEqual({ threshold: 0.8, coverage: 5 / 7, accuracy: 0.8 });
    expect(chooseCalibratedThreshold(conf, correct, 0.999)).toEqual({ threshold: null, coverage: 0, accuracy: 0 });
  });

  it('measures coverage and accuracy at a threshold', () => {
    expect(coverageAt(conf, correct, 0.9)).toEqual({ coverage: 4 / 7, accuracy: 0.75, taken: 4 });
  });
});

describe('macroF1', () => {
  it('averages per-label F1 over the labels seen', () => {
    expect(macroF1(['a', 'a', 'b', 'b'], ['a', 'a', 'b', 'b'])).toBe(1);
    // a: tp 1, fp 1, fn 1 → 0.5; b: tp 1, fp 1, fn 1 → 0.5.
    expect(macroF1(['a', 'a', 'b', 'b'], ['a', 'b', 'a', 'b'])).toBeCloseTo(0.5, 12);
  });
});
