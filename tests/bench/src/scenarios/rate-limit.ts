import { loadavg } from 'node:os';
import { dropPrefix } from '@switchboard/testkit';
import { waitUntil, type BenchContext, type ScenarioResult } from '../bench-context.js';
import { startFakeProvider } from '../fake-provider.js';
import { percentile } from '../stats.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';
import { CLASSIFIER_CONCURRENCY, fakeTiers, startScenarioFleet } from '../fleet.js';

export const CHEAP_LIMIT_PER_S = 20;

/**
 * Scenario 5: the cheap model allows CHEAP_LIMIT_PER_S requests a second and answers 429 with
 * Retry-After: 1 above that. The fleet should run at the limit, fail nothing, and not hammer the
 * provider: 429s are counted against the calls that went through.
 */
export async function runRateLimit(ctx: BenchContext): Promise<ScenarioResult> {
  const n = Math.round(400 * ctx.scale);
  const fake = await startFakeProvider({
    cheapDelayMs: 50,
    strongDelayMs: 50,
    strongShare: 0,
    cheapLimitPerSecond: CHEAP_LIMIT_PER_S,
  });
  const fleet = await startScenarioFleet(ctx, 'ratelimit', {
    concurrency: CLASSIFIER_CONCURRENCY,
    ...fakeTiers(fake.url),
  });
  const { prefix } = fleet;
  const load = loadavg()[0] ?? 0;
  const start = performance.now();
  await fleet.enqueue(Array.from({ length: n }, (_, i) => ticketAt(ctx.corpus, `${ctx.runId}l`, i)));
  const drained = await waitUntil(() => fleet.finished.length >= n, 120_000, 100);
  const seconds = (performance.now() - start) / 1000;
  const records = fleet.finished.map((f) => f.record);
  const failed = fleet.failed;
  const counts = await fake.counts();
  await fleet.close();
  await fake.close();
  await dropPrefix(prefix, ctx.redisUrl);

  // The busy seconds only: the first and last are partial.
  const perSecond = [...counts.perSecondOk]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => c)
    .slice(1, -1);
  const settled = percentile(
    [...perSecond].sort((a, b) => a - b),
    50,
  );
  const gaveUpOnCheap = records.filter((r) =>
    r.attempts.some((a) => a.tier === 'cheap' && a.outcome === 'unavailable'),
  ).length;
  const unavailable = records.filter((r) => r.failureReasons.includes('models_unavailable')).length;
  const storm = counts.rateLimited / Math.max(1, counts.cheap);
  return {
    rows: [
      {
        scenario: '5 rate limit',
        metric: `cheap calls/s settled at (limit ${CHEAP_LIMIT_PER_S}/s, median busy second)`,
        value: `${fmt(settled)}  (load ${fmt(load, 2)})`,
        target: `${CHEAP_LIMIT_PER_S * 0.9}..${CHEAP_LIMIT_PER_S}`,
        pass: settled >= CHEAP_LIMIT_PER_S * 0.9 && settled <= CHEAP_LIMIT_PER_S,
      },
      {
        scenario: '5 rate limit',
        metric: 'finished / failed attempts / models_unavailable',
        value: `${records.length}/${n} / ${failed} / ${unavailable}`,
        target: `${n} / 0 / 0`,
        pass: drained && failed === 0 && unavailable === 0,
      },
      {
        scenario: '5 rate limit',
        metric: '429s per accepted cheap call',
        value: `${fmt(storm, 2)} (${counts.rateLimited} 429s)`,
        target: '<= 1 (no storm)',
        pass: storm <= 1,
      },
      { scenario: '5 rate limit', metric: 'tickets that gave up on cheap (→ strong)', value: String(gaveUpOnCheap) },
    ],
    data: {
      tickets: n,
      limitPerSecond: CHEAP_LIMIT_PER_S,
      seconds,
      settledPerSecond: settled,
      okPerSecond: perSecond,
      rateLimited: counts.rateLimited,
      cheapCalls: counts.cheap,
      strongCalls: counts.strong,
      gaveUpOnCheap,
      modelsUnavailable: unavailable,
      failedAttempts: failed,
      loadAvg: load,
    },
  };
}
