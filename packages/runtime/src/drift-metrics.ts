import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { slugLabel } from './metric-labels.js';
import { cachedScrapeRead } from './scrape-cache.js';

/** What one drift check found, for the gauges. */
export interface DriftFigures {
  /** The model the eval ran against (the cheap tier's, or the local model's version on a keyless install). */
  model: string;
  /** 0..1 on the eval set. */
  accuracy: number;
  /** The baseline's accuracy and the drop in points, when there is a baseline of the same model. */
  baselineAccuracy: number | null;
  dropPoints: number | null;
  fallbackActive: boolean;
  /** Population stability of production traffic, this week against last, per dimension. */
  psi: readonly { dimension: string; psi: number }[];
  at: Date;
}

export interface DriftMetrics {
  checked(figures: DriftFigures): void;
}

export interface DriftMetricsOptions {
  /**
   * Reads the fallback switch when Prometheus scrapes, so a switch a person set or cleared between
   * two weekly checks shows at once; without it the gauge holds what the last check saw.
   */
  readFallback?: () => Promise<boolean>;
  log: Logger;
}

/**
 * Gauges the drift app sets after each check. They carry the run's model as a label so that no
 * series exists before the first check: an accuracy of 0 on a fresh start would be a false alarm.
 */
export function createDriftMetrics(registry: Registry, opts: DriftMetricsOptions): DriftMetrics {
  const registers = [registry];
  const accuracy = new Gauge({
    name: 'switchboard_drift_eval_accuracy',
    help: 'Accuracy (0..1) of the last drift check on the eval set, by model.',
    labelNames: ['model'] as const,
    registers,
  });
  const baseline = new Gauge({
    name: 'switchboard_drift_baseline_accuracy',
    help: 'Accuracy (0..1) of the baseline the last drift check compared with, by model.',
    labelNames: ['model'] as const,
    registers,
  });
  const drop = new Gauge({
    name: 'switchboard_drift_drop_points',
    help: 'Accuracy points the last drift check fell below the baseline (negative: better), by model; absent without a baseline of that model.',
    labelNames: ['model'] as const,
    registers,
  });
  const psi = new Gauge({
    name: 'switchboard_drift_production_psi',
    help: 'Population stability index of production traffic, last 7 whole days against the 7 before, per dimension (category_mix, confidence, escalation_rate, share_of_other, tier_mix, language_mix).',
    labelNames: ['dimension'] as const,
    registers,
  });
  const lastCheck = new Gauge({
    name: 'switchboard_drift_last_check_timestamp_seconds',
    help: 'Unix time of the last completed drift check; 0 until one completes in this process.',
    registers,
  });
  const readFallback =
    opts.readFallback &&
    cachedScrapeRead(opts.readFallback, { maxAgeMs: 1_000, log: opts.log, what: 'the fallback switch' });
  const fallback = new Gauge({
    name: 'switchboard_fallback_active',
    help: '1 while the fleet-wide fallback is on (cheap tier skipped, traffic to the strong tier), else 0. Set by each drift check and re-read from Redis at scrape time.',
    registers,
    ...(readFallback && {
      async collect() {
        const on = await readFallback();
        if (on !== undefined) this.set(on ? 1 : 0);
      },
    }),
  });

  return {
    checked(f) {
      // One series per gauge: a model changed since the last check must not leave its old figures behind.
      for (const g of [accuracy, baseline, drop, psi]) g.reset();
      accuracy.set({ model: f.model }, f.accuracy);
      if (f.baselineAccuracy !== null) baseline.set({ model: f.model }, f.baselineAccuracy);
      if (f.dropPoints !== null) drop.set({ model: f.model }, f.dropPoints);
      for (const d of f.psi) psi.set({ dimension: slugLabel(d.dimension) }, d.psi);
      fallback.set(f.fallbackActive ? 1 : 0);
      lastCheck.set(f.at.getTime() / 1000);
    },
  };
}
