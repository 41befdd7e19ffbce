import { describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { exportFleetState, type FleetState } from './fleet-state-metrics.js';
import { createDriftMetrics } from './drift-metrics.js';
import { createLogger } from './logger.js';

const log = createLogger({ name: 'fleet-state-test', level: 'silent' });

const state: FleetState = {
  queues: [
    { queue: 'tickets', counts: { waiting: 4, active: 1 } },
    { queue: 'dead-letter', counts: { waiting: 2, active: 0 } },
  ],
  deadLetterJobs: 2,
};

describe('fleet state metrics (read at scrape time)', () => {
  it('reads once for all its gauges and reuses the read within maxAgeMs', async () => {
    const registry = new Registry();
    let reads = 0;
    let clock = 0;
    exportFleetState(
      registry,
      () => {
        reads++;
        return Promise.resolve(state);
      },
      { maxAgeMs: 5_000, log, now: () => clock },
    );
    const [first, second] = await Promise.all([registry.metrics(), registry.metrics()]);
    expect(reads).toBe(1);
    expect(first).toBe(second);
    expect(first).toContain('switchboard_queue_jobs{queue="tickets",state="waiting"} 4');
    expect(first).toContain('switchboard_queue_jobs{queue="dead-letter",state="waiting"} 2');
    expect(first).toContain('switchboard_dead_letter_jobs 2');
    expect(first).toContain('switchboard_fleet_state_up 1');
    clock = 4_999;
    await registry.metrics();
    expect(reads).toBe(1);
    clock = 5_000;
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('still answers when Redis cannot be read: no stale depths, dead letters unknown, up 0', async () => {
    const registry = new Registry();
    let fail = false;
    let clock = 0;
    exportFleetState(
      registry,
      () => (fail ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(state)),
      { maxAgeMs: 1_000, log, now: () => clock },
    );
    expect(await registry.metrics()).toContain('switchboard_queue_jobs{queue="tickets",state="active"} 1');
    fail = true;
    clock = 2_000;
    const text = await registry.metrics();
    expect(text).not.toMatch(/^switchboard_queue_jobs\{/m);
    // prom-client writes `Nan`; Prometheus parses NaN in any case.
    expect(text).toMatch(/^switchboard_dead_letter_jobs nan$/im);
    expect(text).toContain('switchboard_fleet_state_up 0');
  });
});

describe('drift metrics', () => {
  it('has no accuracy series before the first check, then one per gauge for the latest model', async () => {
    const registry = new Registry();
    const drift = createDriftMetrics(registry, { log });
    expect(await registry.metrics()).not.toMatch(/^switchboard_drift_eval_accuracy\{/m);

    const psi = [
      { dimension: 'category mix', psi: 0.05 },
      { dimension: 'share of "other"', psi: 0.31 },
    ];
    drift.checked({
      model: 'gpt-4o-mini',
      accuracy: 0.9,
      baselineAccuracy: 0.95,
      dropPoints: 5,
      fallbackActive: true,
      psi,
      at: new Date(1_700_000_000_000),
    });
    drift.checked({
      model: 'gpt-5-mini',
      accuracy: 0.93,
      baselineAccuracy: null,
      dropPoints: null,
      fallbackActive: false,
      psi,
      at: new Date(1_700_000_100_000),
    });
    const text = await registry.metrics();
    expect(text).toContain('switchboard_drift_eval_accuracy{model="gpt-5-mini"} 0.93');
    expect(text).not.toContain('gpt-4o-mini');
    expect(text).not.toMatch(/^switchboard_drift_drop_points\{/m);
    expect(text).toContain('switchboard_drift_production_psi{dimension="share_of_other"} 0.31');
    expect(text).toContain('switchboard_drift_production_psi{dimension="category_mix"} 0.05');
    expect(text).toContain('switchboard_fallback_active 0');
    expect(text).toContain('switchboard_drift_last_check_timestamp_seconds 1700000100');
  });

  it('re-reads the fallback switch at scrape time when it can', async () => {
    const registry = new Registry();
    let on = true;
    const drift = createDriftMetrics(registry, { log, readFallback: () => Promise.resolve(on) });
    drift.checked({
      model: 'm',
      accuracy: 1,
      baselineAccuracy: 1,
      dropPoints: 0,
      fallbackActive: false,
      psi: [],
      at: new Date(),
    });
    // A person set it after the check: the scrape says so.
    expect(await registry.metrics()).toContain('switchboard_fallback_active 1');
    on = false;
    // The read is cached for a second between scrapes; a scrape after that sees the switch off.
    await vi.waitFor(async () => expect(await registry.metrics()).toContain('switchboard_fallback_active 0'), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
