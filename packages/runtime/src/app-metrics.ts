import { collectDefaultMetrics, Registry } from 'prom-client';
import { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';

/** One process's metrics: its own registry (never prom-client's global one) and the pipeline events. */
export interface AppMetrics {
  registry: Registry;
  pipeline: PipelineMetrics;
  /** What Prometheus scrapes, with the content type to send it under. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

export interface AppMetricsOptions {
  /** Added to every series as `app`, so series stay apart even when Prometheus relabels `job`. */
  app: string;
  /** Node's process metrics (CPU, memory, event-loop lag, GC, handles); on unless a test runs several apps in one process. */
  processMetrics?: boolean;
}

export function createAppMetrics(opts: AppMetricsOptions): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: opts.app });
  // Unprefixed on purpose: the standard Node.js dashboards and alerts expect process_* and nodejs_*.
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    pipeline: createPipelineMetrics(registry),
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
