import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAppMetrics } from './app-metrics.js';
import { createDriftMetrics } from './drift-metrics.js';
import { exportFleetState } from './fleet-state-metrics.js';
import { createLogger } from './logger.js';

const DASHBOARD = new URL('../../../ops/grafana/switchboard-dashboard.json', import.meta.url);

const Target = z.object({
  refId: z.string(),
  expr: z.string().min(1),
  datasource: z.object({ uid: z.literal('${datasource}') }),
});
const Panel = z.object({
  id: z.number().int(),
  type: z.string(),
  title: z.string().min(1),
  gridPos: z.object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    w: z.number().int().min(1),
    h: z.number().int().min(1),
  }),
  targets: z.array(Target).optional(),
});
const Dashboard = z.object({ uid: z.string(), title: z.string(), panels: z.array(Panel).min(1) });

/** Every metric name the fleet can export, from the definitions themselves. */
function definedNames(): Set<string> {
  const log = createLogger({ name: 'dashboard-test', level: 'silent' });
  const { registry } = createAppMetrics({ app: 'all', processMetrics: false });
  exportFleetState(registry, () => Promise.resolve({ queues: [], deadLetterJobs: 0 }), { log });
  createDriftMetrics(registry, { log });
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
}

// The sample dashboard is checked against the code, so a renamed metric cannot leave a blank panel behind.
describe('the sample Grafana dashboard', () => {
  const dashboard = Dashboard.parse(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('queries only metrics the fleet defines', () => {
    const defined = definedNames();
    const used = new Set(
      panels.flatMap((p) => (p.targets ?? []).flatMap((t) => t.expr.match(/switchboard_[a-z_]+/g) ?? [])),
    );
    const unknown = [...used].filter(
      (name) => !defined.has(name) && !defined.has(name.replace(/_(bucket|count|sum)$/, '')),
    );
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('has the panels the on-call needs, each with a query, laid out on the 24-column grid', () => {
    const titles = panels.map((p) => p.title.toLowerCase()).join('\n');
    for (const topic of [
      'tickets in',
      'tier split',
      'escalations by reason',
      'latency p95',
      'model errors',
      'cost per hour',
      'queue depths',
      'dead letters',
      'eval accuracy',
      'fallback',
    ]) {
      expect(titles).toContain(topic);
    }
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });
});
