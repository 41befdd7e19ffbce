import { describe, expect, it } from 'vitest';
import type { Category } from '@switchboard/core';
import { compareToBaseline } from './compare.js';
import { computeMetrics } from './metrics.js';
import { toRunFile } from './run-file.js';
import type { EvalOutcome } from './runner.js';
import { htmlReport, verdict } from './report-html.js';
import { textReport } from './report-text.js';

const outcome = (
  id: string,
  expected: Category,
  predicted: Category | null,
  o: Partial<EvalOutcome> = {},
): EvalOutcome => ({
  id,
  tags: [],
  expected: { category: expected, team: 'triage', priority: 'medium', escalation: false },
  predicted: predicted ? { category: predicted, priority: 'medium', team: 'triage', confidence: 0.9 } : null,
  outcome: predicted ? 'decided' : 'failed',
  tier: predicted ? 'cheap' : null,
  via: predicted ? 'cheap' : 'human',
  escalated: !predicted,
  reasons: [],
  critical: false,
  costUsd: 0.001,
  costByModel: { 'gpt-4o-mini': 0.001 },
  latencyMs: 100,
  ...o,
});

// Hand-worked case: 4 billing (3 right, 1 called bug), 2 bug (1 right, 1 unanswered),
// 1 critical ticket left out of accuracy but counted in escalation and tier share.
const CASE: EvalOutcome[] = [
  outcome('1', 'billing', 'billing'),
  outcome('2', 'billing', 'billing'),
  outcome('3', 'billing', 'billing', { via: 'rule', tier: 'rule', costUsd: 0, costByModel: {} }),
  outcome('4', 'billing', 'bug'),
  outcome('5', 'bug', 'bug', { expected: { category: 'bug', team: 'core_eng', priority: 'high', escalation: false } }),
  outcome('6', 'bug', null),
  outcome('7', 'other', null, {
    critical: true,
    outcome: 'critical',
    escalated: true,
    expected: { category: 'other', team: 'triage', priority: 'low', escalation: true },
    costUsd: 0,
    costByModel: {},
  }),
];

describe('computeMetrics on a hand-worked case', () => {
  const m = computeMetrics(CASE);

  it('scores accuracy, precision, recall and macro-F1 on the non-critical tickets', () => {
    expect(m.rows).toBe(7);
    expect(m.scored).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 10);
    expect(m.perCategory.billing).toMatchObject({ support: 4, precision: 1, recall: 0.75 });
    expect(m.perCategory.bug).toMatchObject({ support: 2, precision: 0.5, recall: 0.5 });
    expect(m.macroF1).toBeCloseTo(((2 * 0.75) / 1.75 + 0.5) / 2, 10);
    expect(m.confusion.billing.bug).toBe(1);
    expect(m.confusion.bug.none).toBe(1);
  });

  it('counts escalation against its labels, tier share over every ticket and cost per 1,000', () => {
    // Escalated: 6 (unexpected: false positive) and 7 (expected: true positive).
    expect(m.escalation).toMatchObject({
      truePositive: 1,
      falsePositive: 1,
      falseNegative: 0,
      precision: 0.5,
      recall: 1,
    });
    expect(m.tierShare.cheap).toBeCloseTo(4 / 7, 10);
    expect(m.tierShare.rule).toBeCloseTo(1 / 7, 10);
    expect(m.tierShare.human).toBeCloseTo(2 / 7, 10);
    expect(m.costPer1k).toBeCloseTo((5 * 0.001 * 1000) / 7, 10);
    expect(m.priorityAccuracy).toBeCloseTo(4 / 6, 10);
  });

  it('prints a terminal table and a self-contained HTML page with escaped text', () => {
    expect(textReport('run', m)).toMatch(/category accuracy\s+66\.7%/);
    const html = htmlReport('run <1>', m, { set: 'a&b.jsonl' });
    expect(html).toContain('run &lt;1&gt;');
    expect(html).toContain('a&amp;b.jsonl');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('gives the HTML report the verdict, per-language and hard-case tables, axis labels and tick values', () => {
    const html = htmlReport('run', m, { 'run date': '2026-11-25 08:00 UTC', model: 'gpt-4o-mini', set: 's.jsonl' });
    expect(html).toContain('<td>run date</td><td>2026-11-25 08:00 UTC</td>');
    expect(html).toContain('No baseline to compare with.');
    expect(html).toContain('<h2>By language</h2>');
    expect(html).toContain('<h2>Hard cases</h2>');
    expect(html).toContain('predicted category →');
    expect(html).toContain('expected category ↓');
    for (const tick of ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']) expect(html).toContain(`>${tick}</text>`);
  });
});

describe('compareToBaseline', () => {
  const set = { path: 's', rows: 40, sha256: 'x' };
  const cascade = { tiers: [], promptVersion: 'v1' };
  const run = (wrongIds: Set<number>) => {
    const outcomes = Array.from({ length: 40 }, (_, i) =>
      outcome(String(i), i % 2 ? 'billing' : 'bug', wrongIds.has(i) ? 'other' : i % 2 ? 'billing' : 'bug'),
    );
    return toRunFile({
      set,
      startedAt: new Date(),
      finishedAt: new Date(),
      cascade,
      model: 'm',
      metrics: computeMetrics(outcomes),
      outcomes,
    });
  };

  it('pairs tickets on the same set and names the category that fell', () => {
    const baseline = run(new Set());
    const worse = run(new Set([1, 3, 5, 7, 9, 11, 13]));
    const c = compareToBaseline(baseline, worse);
    expect(c.dropPoints).toBeCloseTo(17.5, 5);
    expect(c.test).toBe('mcnemar');
    expect(c.significant).toBe(true);
    expect(c.categories[0]).toMatchObject({ category: 'billing', baselineRecall: 1, runRecall: 13 / 20 });
  });

  it('gives the report a verdict a reader acts on', () => {
    const worse = compareToBaseline(run(new Set()), run(new Set([1, 3, 5, 7, 9, 11, 13])));
    expect(verdict(worse)).toEqual({
      text: 'Worse than the baseline: 17.5 points lower, more than noise.',
      good: false,
    });
    expect(htmlReport('run', run(new Set()).metrics, {}, worse)).toContain(
      'Worse than the baseline: 17.5 points lower',
    );
    expect(verdict(compareToBaseline(run(new Set()), run(new Set([1])))).text).toBe(
      'Holds: 2.5 points lower, within noise.',
    );
  });

  it('calls a small change on a small set noise', () => {
    const c = compareToBaseline(run(new Set()), run(new Set([1])));
    expect(c.significant).toBe(false);
    expect(c.noiseFloorPoints).toBeGreaterThan(2.5);
  });
});
