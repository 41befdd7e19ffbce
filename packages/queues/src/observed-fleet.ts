import {
  createAppMetrics,
  exportFleetState,
  serveMetrics,
  type AppMetrics,
  type Logger,
  type MetricsEnv,
  type Scope,
} from '@switchboard/runtime';
import type { ConnectionRole } from './connection.js';
import { openFleet, type FleetContext, type FleetEnv } from './fleet-context.js';
import { openFleetStateReader } from './fleet-state-reader.js';

/**
 * What every worker app opens first: its metrics, the fleet counting into them, the queue depths when
 * this app is the one that reads them (METRICS_QUEUE_DEPTHS), and the /metrics port. The port is bound
 * before the app takes work, so a port already in use stops start-up instead of leaving a worker that
 * nobody can observe. Each piece registers its own close on the scope.
 */
export async function openObservedFleet(
  scope: Pick<Scope, 'use'>,
  env: FleetEnv & MetricsEnv,
  opts: { app: string; role: ConnectionRole; logger: Logger },
): Promise<{ fleet: FleetContext; metrics: AppMetrics }> {
  const metrics = createAppMetrics({ app: opts.app });
  const fleet = scope.use(
    'fleet',
    await openFleet(env, { role: opts.role, logger: opts.logger, metrics: metrics.pipeline }),
    (f) => f.close(),
  );
  if (env.METRICS_QUEUE_DEPTHS) {
    const fleetState = scope.use('fleet state', openFleetStateReader(fleet.ctx), (r) => r.close());
    exportFleetState(metrics.registry, fleetState.read, { log: opts.logger });
  }
  scope.use('metrics server', await serveMetrics(metrics, env, opts.logger), (s) => s?.close());
  return { fleet, metrics };
}
