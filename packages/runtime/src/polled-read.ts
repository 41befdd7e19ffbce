/**
 * A read (of Redis, usually) done at most once per `maxAgeMs` and one at a time: every caller in
 * that window shares the same answer, so a busy worker or several scrapers cost one round trip. A
 * failed read is not kept: it rejects for the callers waiting on it and the next call reads again.
 */
export function polledRead<T>(
  read: () => Promise<T>,
  maxAgeMs: number,
  now: () => number = Date.now,
): () => Promise<T> {
  let last: { at: number; value: T } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    pending ??= read()
      .then((value) => {
        last = { at: now(), value };
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
