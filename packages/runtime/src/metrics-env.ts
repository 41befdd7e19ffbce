import { z } from 'zod';

/** A port number, 0 for any free port (tests), or `off` for no metrics server. */
export const MetricsPort = z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]);

/** Optional bearer token for /metrics: scrapes usually come from inside the network, so it is off by default. */
export const MetricsToken = z.string().min(16, 'must be at least 16 characters').optional();

/**
 * The metrics settings of a worker app. Each app has its own default port, so several apps on one
 * host (`npm start`) do not collide; only one kind of app reads queue depths by default.
 */
export const metricsEnvShape = (defaults: { port: number; queueDepths: boolean }) => ({
  METRICS_PORT: MetricsPort.default(defaults.port),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_TOKEN: MetricsToken,
  /** Export queue depths and dead letters (read from Redis at scrape time) from this app. */
  METRICS_QUEUE_DEPTHS: z.enum(['on', 'off']).default(defaults.queueDepths ? 'on' : 'off'),
});

export interface MetricsEnv {
  METRICS_PORT: number | 'off';
  METRICS_HOST: string;
  METRICS_TOKEN?: string | undefined;
  METRICS_QUEUE_DEPTHS: 'on' | 'off';
}
