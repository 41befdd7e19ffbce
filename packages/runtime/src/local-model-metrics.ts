import { Counter, Gauge, type Registry } from 'prom-client';

/** Which local model version a process runs, and how its changes went. */
export interface LocalModelMetrics {
  /** The process now runs this version (at start, and after each promotion or rollback it follows). */
  running(version: string): void;
  /** A champion from the registry that did not load: the process kept its model. */
  refused(): void;
}

/**
 * The version is a label here, unlike on the per-call metrics (where it is `local`): one series per
 * process at a time (the old one is removed on a change), so a retrain a day adds no cardinality.
 */
export function createLocalModelMetrics(registry: Registry): LocalModelMetrics {
  const registers = [registry];
  const info = new Gauge({
    name: 'switchboard_local_model_info',
    help: 'The local model version this process runs (value 1, label version); follows the model registry.',
    labelNames: ['version'] as const,
    registers,
  });
  const changes = new Counter({
    name: 'switchboard_local_model_changes_total',
    help: 'Champion changes from the model registry this process followed (loaded) or could not load and ignored (refused).',
    labelNames: ['result'] as const,
    registers,
  });
  let current: string | null = null;
  return {
    running(version) {
      if (current !== null) changes.inc({ result: 'loaded' });
      info.reset();
      info.set({ version: version.slice(0, 200) }, 1);
      current = version;
    },
    refused: () => changes.inc({ result: 'refused' }),
  };
}
