import { CATEGORIES } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { parseLocalModel } from './persist.js';
import { syntheticTickets } from './testing/synthetic-tickets.js';
import { trainLocalModel } from './train.js';

const trainedAt = new Date('2026-01-02T03:04:05.000Z');
const rows = syntheticTickets(400, 1);
const probe = syntheticTickets(60, 99);

describe('trainLocalModel', () => {
  const first = trainLocalModel(rows, { seed: 3, trainedAt, epochs: 6 });

  it('is deterministic for a fixed seed: the same file bytes and the same predictions', () => {
    const again = trainLocalModel(rows, { seed: 3, trainedAt, epochs: 6 });
    expect(JSON.stringify(again.file)).toBe(JSON.stringify(first.file));
    for (const t of probe)
      expect(again.model.predict(t.subject, t.body)).toEqual(first.model.predict(t.subject, t.body));
  });

  it('gives a different model for a different seed', () => {
    const other = trainLocalModel(rows, { seed: 4, trainedAt, epochs: 6 });
    expect(other.file.modelVersion).not.toBe(first.file.modelVersion);
  });

  it('predicts the same after the file is serialised and parsed again', () => {
    const reloaded = parseLocalModel(JSON.stringify(first.file));
    expect(reloaded.meta).toEqual(first.model.meta);
    for (const t of probe) expect(reloaded.predict(t.subject, t.body)).toEqual(first.model.predict(t.subject, t.body));
  });

  it('learns the synthetic intents, sums fine labels into categories, and predicts priority', () => {
    const hits = probe.filter((t) => first.model.predict(t.subject, t.body).category === t.category).length;
    expect(hits / probe.length).toBeGreaterThan(0.8);
    const p = first.model.predict('server down', 'the server is down with a timeout error');
    expect(p.category).toBe('technical');
    expect(Object.keys(p.categoryProbs).sort()).toEqual([...CATEGORIES].sort());
    expect(Object.values(p.categoryProbs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(p.categoryConfidence).toBe(p.categoryProbs.technical);
    expect(p.priority).toBe('high');
    expect(first.model.meta.fineLabels).toContain('outage');
    expect(first.model.meta.categories).toEqual(CATEGORIES);
    expect(first.model.meta.priorities).toEqual(['low', 'medium', 'high']);
  });

  it('records what it was trained on and how it did on the calibration split', () => {
    const { meta } = first.model;
    expect(meta.formatVersion).toBe(2);
    expect(meta.modelVersion).toMatch(/^local-20260102-[0-9a-f]{8}$/);
    expect(meta.trainedAt).toBe(trainedAt.toISOString());
    expect(meta.trainingDataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.trainingRows).toBe(400);
    expect(first.metrics.calibrationRows).toBe(80);
    expect(first.metrics.fitRows).toBe(320);
    expect(first.metrics.category.temperature).toBeGreaterThan(0);
    for (const key of [
      'category.accuracy',
      'category.macroF1',
      'category.eceBefore',
      'category.eceAfter',
      'priority.accuracy',
    ]) {
      expect(meta.metrics[key]).toEqual(expect.any(Number));
    }
    // The chosen optimiser setting is recorded, including its feature weighting and loss split.
    for (const key of ['l2', 'learningRate', 'supervisedWeight', 'fineWeight'])
      expect(meta.metrics[key]).toEqual(expect.any(Number));
    expect(meta.thresholds?.category.map((t) => t.targetAccuracy)).toEqual([0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]);
    expect(first.metrics.fileBytes).toBe(Buffer.byteLength(JSON.stringify(first.file)));
  });

  it('trains with supervised column weights and a split loss, deterministically', () => {
    const settings = [{ l2: 3e-5, learningRate: 0.2, supervisedWeight: 2, fineWeight: 0.5 }];
    const a = trainLocalModel(rows, { seed: 3, trainedAt, epochs: 6, settings });
    const b = trainLocalModel(rows, { seed: 3, trainedAt, epochs: 6, settings });
    expect(JSON.stringify(a.file)).toBe(JSON.stringify(b.file));
    expect(a.model.meta.metrics.supervisedWeight).toBe(2);
    expect(a.model.meta.metrics.fineWeight).toBe(0.5);
    const hits = probe.filter((t) => a.model.predict(t.subject, t.body).category === t.category).length;
    expect(hits / probe.length).toBeGreaterThan(0.8);
  });

  it('reports progress up to its total', () => {
    const seen: [number, number, string][] = [];
    trainLocalModel(rows.slice(0, 100), { seed: 1, epochs: 2, onProgress: (d, t, p) => seen.push([d, t, p]) });
    const last = seen.at(-1);
    expect(last?.[0]).toBe(last?.[1]);
    expect(seen.every(([d, t]) => d <= t)).toBe(true);
  });

  it('has no priority head when no row has a priority, and handles tiny sets', () => {
    const noPriority = rows.slice(0, 40).map(({ priority: _p, ...r }) => r);
    const { model } = trainLocalModel(noPriority, { seed: 1, epochs: 2 });
    const p = model.predict('', 'cancel my subscription');
    expect(p.priority).toBeNull();
    expect(p.priorityConfidence).toBe(0);
    expect(model.meta.priorities).toEqual([]);
  });

  it('predicts for empty or odd text without throwing', () => {
    for (const [s, b] of [
      ['', ''],
      ['', '!!!'],
      ['😀', 'ÄÖÜ ß 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
      ['x'.repeat(5000), 'y '.repeat(5000)],
    ] as const) {
      const p = first.model.predict(s, b);
      expect(CATEGORIES).toContain(p.category);
      expect(Number.isFinite(p.categoryConfidence)).toBe(true);
    }
  });

  it('refuses unusable input', () => {
    expect(() => trainLocalModel(rows.slice(0, 1), { seed: 1 })).toThrow(/at least 2/);
    expect(() => trainLocalModel(rows, { seed: 1, calibrationFraction: 1 })).toThrow(/calibrationFraction/);
  });
});
