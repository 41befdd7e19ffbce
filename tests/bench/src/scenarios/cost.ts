import { dropPrefix } from '@switchboard/testkit';
import { waitUntil, type BenchContext, type ScenarioResult } from '../bench-context.js';
import { startFakeProvider } from '../fake-provider.js';
import { CLASSIFIER_CONCURRENCY, fakeTiers, startScenarioFleet, type Finished } from '../fleet.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';

const SAMPLE = 1_000;
const indexOf = (ticketId: string): number => Number(ticketId.slice(ticketId.lastIndexOf('-') + 1));

/**
 * Scenario 6: cost per 1,000 tickets and tier split of the benchmark mix (the overhead run's first
 * 1,000 tickets: real texts, 10% unsure on cheap), against the same 1,000 texts each sent to the
 * strong model (no rule, no critical-keyword short cut). Token counts come from the fake provider,
 * about 4 characters a token of the real prompt, priced with the default price table.
 */
export async function runCost(ctx: BenchContext, mix: readonly Finished[]): Promise<ScenarioResult> {
  const sample = mix.filter((f) => indexOf(f.ticketId) < SAMPLE);
  if (sample.length === 0)
    return {
      rows: [{ scenario: '6 cost', metric: 'needs the overhead scenario in the same run', value: '—' }],
      data: {},
    };
  const fake = await startFakeProvider({ cheapDelayMs: 0, strongDelayMs: 0, strongShare: 0 });
  const fleet = await startScenarioFleet(ctx, 'cost', {
    concurrency: CLASSIFIER_CONCURRENCY,
    hotwords: [],
    criticalKeywords: [],
    strong: fakeTiers(fake.url).strong,
  });
  const { prefix } = fleet;
  await fleet.enqueue(Array.from({ length: sample.length }, (_, i) => ticketAt(ctx.corpus, `${ctx.runId}c`, i)));
  await waitUntil(() => fleet.finished.length >= sample.length, 120_000);
  const allStrong = fleet.finished.reduce((s, f) => s + f.record.totals.costUsd, 0);
  await fleet.close();
  await fake.close();
  await dropPrefix(prefix, ctx.redisUrl);

  const per1k = (usd: number, count: number): number => (usd / Math.max(1, count)) * 1_000;
  const mixCost = per1k(
    sample.reduce((s, f) => s + f.record.totals.costUsd, 0),
    sample.length,
  );
  const strongCost = per1k(allStrong, sample.length);
  const split = new Map<string, number>();
  for (const f of sample) {
    const key = f.record.outcome === 'critical' ? 'critical (human)' : (f.record.tier ?? 'none');
    split.set(key, (split.get(key) ?? 0) + 1);
  }
  const splitText = [...split.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${fmt((v / sample.length) * 100, 1)}%`)
    .join(', ');
  return {
    rows: [
      { scenario: '6 cost', metric: `USD per 1,000 tickets, mix (n=${sample.length})`, value: fmt(mixCost, 3) },
      {
        scenario: '6 cost',
        metric: 'USD per 1,000 tickets, all strong',
        value: `${fmt(strongCost, 3)}  (mix = ${fmt((mixCost / strongCost) * 100, 1)}%)`,
      },
      { scenario: '6 cost', metric: 'tier split of the mix', value: splitText },
    ],
    data: {
      sample: sample.length,
      mixUsdPer1k: mixCost,
      allStrongUsdPer1k: strongCost,
      split: Object.fromEntries(split),
    },
  };
}
