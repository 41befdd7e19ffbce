import type { Logger } from 'pino';
import { polledRead } from './polled-read.js';

/**
 * Wraps a read done at scrape time (Redis calls) so that it runs at most once per `maxAgeMs` and
 * once at a time: two Prometheus replicas, or several gauges fed by one read, cost one round of
 * calls. A failed read resolves to undefined (and is logged), so one unreachable Redis never turns
 * the whole /metrics answer into an error; the failure is cached too, so a down Redis is not hammered.
 */
export function cachedScrapeRead<T>(
  read: () => Promise<T>,
  opts: { maxAgeMs: number; log: Logger; what: string; now?: () => number },
): () => Promise<T | undefined> {
  const guarded = (): Promise<T | undefined> =>
    read().catch((err: unknown) => {
      opts.log.warn({ err }, `could not read ${opts.what} for metrics`);
      return undefined;
    });
  return polledRead(guarded, opts.maxAgeMs, opts.now);
}
