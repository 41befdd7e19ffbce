import type { Logger } from 'pino';

/**
 * Wraps a read done at scrape time (Redis calls) so that it runs at most once per `maxAgeMs` and
 * once at a time: two Prometheus replicas, or several gauges fed by one read, cost one round of
 * calls. A failed read resolves to undefined (and is logged), so one unreachable Redis never turns
 * the whole /metrics answer into an error; the failure is cached too, so a down Redis is not hammered.
 */
export function cachedScrapeRead<T>(read: () => Promise<T>, opts: { maxAgeMs: number; log: Logger; what: string; now?: () => number }): () => Promise<T | undefined> {
  const now = opts.now ?? Date.now;
  let last: { at: number; value: T | undefined } | undefined;
  let pending: Promise<T | undefined> | undefined;
  return () => {
    if (last && now() - last.at < opts.maxAgeMs) return Promise.resolve(last.value);
    pending ??= read()
      .catch((err: unknown) => {
        opts.log.warn({ err }, `could not read ${opts.what} for metrics`);
        return undefined;
      })
      .then((value) => {
        last = { at: now(), value };
        pending = undefined;
        return value;
      });
    return pending;
  };
}
