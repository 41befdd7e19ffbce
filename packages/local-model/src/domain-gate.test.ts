import { describe, expect, it } from 'vitest';
import { LEGACY_GATE, fitDomainGate } from './domain-gate.js';
import { chooseGuardedThreshold, MIN_THRESHOLD } from './metrics.js';
import type { LocalModelFile } from './model-file.js';
import { parseLocalModel } from './persist.js';
import { findTrainingOverlap } from './row-hashes.js';
import { syntheticTickets } from './testing/synthetic-tickets.js';
import { fitTemperature, MIN_TEMPERATURE } from './temperature.js';
import { trainLocalModel } from './train.js';

const rows = syntheticTickets(400, 3).map((t, i) => ({ ...t, id: `sb-${i}` }));
const { file, model, metrics } = trainLocalModel(rows, {
  seed: 1,
  epochs: 4,
  trainedAt: new Date('2026-01-01T00:00:00Z'),
});

/** The same model as a file written before the gate and the fingerprints (formatVersion 1). */
function asVersion1(f: LocalModelFile, temperature = f.category.temperature): unknown {
  const { outOfDomain: _gate, trainingRowHashes: _hashes, ...rest } = f;
  return { ...rest, formatVersion: 1, category: { ...rest.category, temperature } };
}

describe('the out-of-domain gate', () => {
  it('turns away a ticket in a language the model never saw, however sure its softmax is', () => {
    const p = model.predict(
      'Reserva de voo cancelada',
      'Olá, gostaria de saber porque é que a minha reserva de voo para Lisboa foi cancelada sem aviso.',
    );
    expect(p.outOfDomain).toBe(true);
    expect(p.coverage).toBeLessThan(file.outOfDomain.coverageCut);
  });

  it('turns away words the model never learned', () => {
    expect(model.predict('', 'zqx vlorp gnarble wibbet trunx plimsoll quagga fjord').outOfDomain).toBe(true);
  });

  it('lets tickets like its training data through', () => {
    const fresh = syntheticTickets(200, 99);
    const turnedAway = fresh.filter((t) => model.predict(t.subject, t.body).outOfDomain).length;
    expect(turnedAway / fresh.length).toBeLessThan(0.05);
    expect(model.predict('login password', 'please reset my password, my account is locked').outOfDomain).toBe(false);
  });

  it('is fitted on the calibration split, turning away the share asked for', () => {
    expect(file.outOfDomain.calibrationRows).toBe(metrics.calibrationRows);
    const coverage = Float64Array.from({ length: 100 }, (_, i) => i / 100);
    const energy = Float64Array.from({ length: 100 }, (_, i) => 10 - i / 10);
    const gate = fitDomainGate(coverage, energy, 0.1);
    expect(coverage.filter((c) => c < gate.coverageCut)).toHaveLength(5);
    expect(energy.filter((e) => e < gate.energyCut)).toHaveLength(5);
  });
});

describe('the temperature floor', () => {
  it('never fits a temperature below the floor, even when the split says sharpen', () => {
    // Two classes, every row right with a small margin: the log-loss keeps falling as T → 0.
    const logits = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.2 : 0));
    const target = new Int32Array(100);
    const groupOf = Int32Array.from([0, 1]);
    expect(fitTemperature(logits, 2, groupOf, target)).toBeGreaterThanOrEqual(MIN_TEMPERATURE);
    expect(metrics.category.temperature).toBeGreaterThanOrEqual(MIN_TEMPERATURE);
  });

  it('reads an old file that sharpens below the floor as if at the floor', () => {
    const sharp = parseLocalModel(asVersion1(file, 0.1) as LocalModelFile);
    const floored = parseLocalModel(asVersion1(file, MIN_TEMPERATURE) as LocalModelFile);
    const probe = ['invoice copy', 'I need a copy of my invoice and the vat statement'] as const;
    expect(sharp.predict(...probe).categoryConfidence).toBe(floored.predict(...probe).categoryConfidence);
  });
});

describe('stored thresholds', () => {
  it('cannot take every row of a small, easy calibration split', () => {
    const confidences = Array.from({ length: 100 }, (_, i) => 0.3 + (0.7 * i) / 99);
    const correct = confidences.map(() => true);
    const c = chooseGuardedThreshold(confidences, correct, 0.6);
    expect(c.threshold).toBe(MIN_THRESHOLD);
    expect(c.coverage).toBeLessThan(1);
  });

  it('takes every row when a large split vouches for it', () => {
    const confidences = Array.from({ length: 4000 }, (_, i) => 0.45 + (0.55 * i) / 3999);
    const correct = confidences.map((_, i) => i % 50 !== 0);
    expect(chooseGuardedThreshold(confidences, correct, 0.7).coverage).toBe(1);
  });
});

describe('old model files', () => {
  it('load, with the default gate and no fingerprints', () => {
    const old = parseLocalModel(asVersion1(file) as LocalModelFile);
    expect(old.meta.outOfDomain).toEqual(LEGACY_GATE);
    expect(old.meta.trainingRowHashes).toBeNull();
    expect(old.predict('invoice copy', 'a copy of my invoice please').category).toBe('billing');
    expect(old.predict('', 'zqx vlorp gnarble wibbet trunx plimsoll quagga fjord').outOfDomain).toBe(true);
  });
});

describe('training-row fingerprints', () => {
  it('find training rows by id or by text, whatever the case and punctuation', () => {
    const hashes = model.meta.trainingRowHashes;
    if (!hashes) throw new Error('a freshly trained model keeps fingerprints');
    const first = rows[0] as (typeof rows)[number];
    const found = findTrainingOverlap(hashes, [
      { subject: first.subject.toUpperCase(), body: `  ${first.body.replace(/\./g, ' !')} ` },
      { id: 'sb-7', subject: 'new subject', body: 'a text nobody trained on' },
      { id: 'other-1', subject: 'new subject', body: 'another text nobody trained on' },
    ]);
    expect(found).toMatchObject({ rows: 3, overlapping: 2, byId: 1, byText: 1 });
    expect(found.examples.map((e) => e.row)).toEqual([1, 2]);
  });

  it('cost a few bytes a row in the file', () => {
    expect(metrics.rowHashBytes).toBeGreaterThan(0);
    expect(metrics.rowHashBytes / rows.length).toBeLessThan(12);
  });
});
