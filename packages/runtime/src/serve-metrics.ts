import type { Logger } from 'pino';
import type { AppMetrics } from './app-metrics.js';
import type { MetricsEnv } from './metrics-env.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

/** Starts a worker app's metrics server as its environment says; undefined when METRICS_PORT=off. */
export async function serveMetrics(
  metrics: AppMetrics,
  env: MetricsEnv,
  logger: Logger,
): Promise<MetricsServer | undefined> {
  if (env.METRICS_PORT === 'off') {
    logger.info('metrics server off (METRICS_PORT=off)');
    return undefined;
  }
  const server = await startMetricsServer({
    metrics,
    port: env.METRICS_PORT,
    host: env.METRICS_HOST,
    token: env.METRICS_TOKEN,
    logger,
  });
  logger.info(
    {
      url: `${server.url}/metrics`,
      auth: env.METRICS_TOKEN ? 'bearer' : 'none',
      queueDepths: env.METRICS_QUEUE_DEPTHS,
    },
    'metrics server listening',
  );
  return server;
}
