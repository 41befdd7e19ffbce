import { z } from 'zod';
import { envFragment, flag } from './env-fragment.js';

/** A port number, 0 for any free port (tests), or `off` for no metrics server. */
export const MetricsPort = z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]);

/** Optional bearer token for /metrics: scrapes usually come from inside the network, so it is off by default. */
export const metricsTokenEnv = envFragment('runtime', 'metrics-token', {
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Bearer token Prometheus must send for /metrics; unset, /metrics is open (block it at the edge).'),
});

/**
 * The metrics server of a worker app. Each app has its own default port, so several apps on one
 * host (`npm start`) do not collide; only one kind of app reads queue depths by default.
 */
export const metricsServerEnv = (defaults: { port: number; queueDepths: boolean }) =>
  envFragment('runtime', 'metrics-server', {
    METRICS_PORT: MetricsPort.default(defaults.port).describe(
      'Port of the /metrics server (Prometheus); `0` any free port, `off` none.',
    ),
    METRICS_HOST: z.string().min(1).default('0.0.0.0').describe('Interface the /metrics server listens on.'),
    METRICS_QUEUE_DEPTHS: flag()
      .default(defaults.queueDepths)
      .describe(
        'Export queue depths and dead letters (read from Redis at scrape time) from this app; one app is enough.',
      ),
  });

export interface MetricsEnv {
  METRICS_PORT: number | 'off';
  METRICS_HOST: string;
  METRICS_TOKEN?: string | undefined;
  METRICS_QUEUE_DEPTHS: boolean;
}
