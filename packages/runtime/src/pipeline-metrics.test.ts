import { describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import type { Attempt, DecisionRecord } from '@switchboard/core';
import { createAppMetrics } from './app-metrics.js';

/** The value of one series (labels matched exactly, apart from the `app` default label). */
async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const want = JSON.stringify(Object.entries(labels).sort());
  const hit = values.find(
    (v) =>
      JSON.stringify(Object.entries(v.labels).sort()) === want &&
      (v as { metricName?: string }).metricName === undefined,
  );
  return hit?.value;
}

const attempt = (over: Partial<Attempt> & Pick<Attempt, 'tier' | 'outcome'>): Attempt => ({
  model: null,
  raw: null,
  confidence: null,
  latencyMs: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  ...over,
});

const record = (attempts: Attempt[], over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  outcome: 'decided',
  tier: 'strong',
  model: 'opus',
  promptVersion: 'v1',
  decision: null,
  raw: null,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts,
  totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
  ...over,
});

describe('pipeline metrics', () => {
  it('turns a decision record into tier, latency, error, token and cost figures', async () => {
    const { registry, pipeline } = createAppMetrics({ app: 'classifier', processMetrics: false });
    pipeline.classified(
      record([
        attempt({ tier: 'rule', outcome: 'abstained' }),
        attempt({ tier: 'local', outcome: 'below_threshold', model: 'local-2026-11-20-abc123', latencyMs: 0.4 }),
        attempt({
          tier: 'cheap',
          outcome: 'invalid',
          model: 'mini',
          latencyMs: 300,
          promptTokens: 400,
          completionTokens: 40,
          costUsd: 0.000084,
          error: 'category: expected one of billing, technical',
        }),
        attempt({ tier: 'cheap', outcome: 'unavailable', model: 'mini', latencyMs: 20_000, error: 'timeout' }),
        attempt({ tier: 'strong', outcome: 'unavailable', model: 'opus', latencyMs: 50, error: 'error:TypeError' }),
        attempt({
          tier: 'strong',
          outcome: 'accepted',
          model: 'opus',
          latencyMs: 1_500,
          promptTokens: 500,
          completionTokens: 50,
          costUsd: 0.00375,
        }),
      ]),
    );
    pipeline.classified(record([], { outcome: 'critical', tier: null, model: null }));

    expect(await value(registry, 'switchboard_tier_attempts_total', { tier: 'rule', outcome: 'abstained' })).toBe(1);
    expect(await value(registry, 'switchboard_tier_attempts_total', { tier: 'cheap', outcome: 'invalid' })).toBe(1);
    expect(await value(registry, 'switchboard_tier_decisions_total', { tier: 'strong', outcome: 'decided' })).toBe(1);
    expect(await value(registry, 'switchboard_tier_decisions_total', { tier: 'none', outcome: 'critical' })).toBe(1);
    // Free-text error messages never become labels; known provider codes do.
    expect(
      await value(registry, 'switchboard_model_errors_total', { model: 'mini', tier: 'cheap', kind: 'invalid_output' }),
    ).toBe(1);
    expect(
      await value(registry, 'switchboard_model_errors_total', { model: 'mini', tier: 'cheap', kind: 'timeout' }),
    ).toBe(1);
    expect(
      await value(registry, 'switchboard_model_errors_total', { model: 'opus', tier: 'strong', kind: 'unavailable' }),
    ).toBe(1);
    expect(await value(registry, 'switchboard_model_cost_usd_total', { model: 'mini' })).toBeCloseTo(0.000084, 12);
    expect(await value(registry, 'switchboard_model_cost_usd_total', { model: 'opus' })).toBeCloseTo(0.00375, 12);
    expect(await value(registry, 'switchboard_model_tokens_total', { model: 'opus', kind: 'prompt' })).toBe(500);
    // The local model's version changes with every retrain; it is one label value.
    const latency = registry.getSingleMetric('switchboard_model_latency_seconds');
    const series = (await latency?.get())?.values ?? [];
    const counts = series.filter(
      (v) => (v as { metricName?: string }).metricName === 'switchboard_model_latency_seconds_count',
    );
    expect(counts.map((v) => [v.labels.model, v.labels.tier, v.value])).toEqual([
      ['local', 'local', 1],
      ['mini', 'cheap', 2],
      ['opus', 'strong', 2],
    ]);
  });

  it('counts routes by team and via, and escalations by reason, folding unknown reasons into other', async () => {
    const { registry, pipeline } = createAppMetrics({ app: 'escalation', processMetrics: false });
    pipeline.routed({ team: 'tech_support', via: 'cheap', escalated: false, reasons: [] });
    pipeline.routed({
      team: 'triage',
      via: 'human',
      escalated: true,
      reasons: ['critical_keyword:data loss', 'model_flagged'],
    });
    pipeline.routed({
      team: 'triage',
      via: 'human',
      escalated: true,
      reasons: ['Customer said: call me at +1 555 0100!'],
    });

    expect(await value(registry, 'switchboard_tickets_routed_total', { team: 'tech_support', via: 'cheap' })).toBe(1);
    expect(await value(registry, 'switchboard_tickets_routed_total', { team: 'triage', via: 'human' })).toBe(2);
    expect(await value(registry, 'switchboard_escalations_total', { reason: 'critical_keyword:data loss' })).toBe(1);
    expect(await value(registry, 'switchboard_escalations_total', { reason: 'model_flagged' })).toBe(1);
    expect(await value(registry, 'switchboard_escalations_total', { reason: 'other' })).toBe(1);
  });

  it('keeps each registry to itself, so apps sharing a test process do not mix their counts', async () => {
    const a = createAppMetrics({ app: 'a', processMetrics: false });
    const b = createAppMetrics({ app: 'b', processMetrics: false });
    a.pipeline.jobsAdded('tickets', 2);
    a.pipeline.jobFinished('tickets', 'completed');
    expect(await value(a.registry, 'switchboard_queue_jobs_added_total', { queue: 'tickets' })).toBe(2);
    expect(await value(b.registry, 'switchboard_queue_jobs_added_total', { queue: 'tickets' })).toBeUndefined();
    expect((await a.exposition()).body).toContain(
      'switchboard_queue_jobs_processed_total{queue="tickets",result="completed",app="a"} 1',
    );
  });
});
