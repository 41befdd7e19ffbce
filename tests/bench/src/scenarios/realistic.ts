import { loadavg } from 'node:os';
import { dropPrefix } from '@switchboard/testkit';
import { waitUntil, type BenchContext, type ScenarioResult } from '../bench-context.js';
import { startFakeProvider } from '../fake-provider.js';
import { summarize } from '../stats.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';
import { fakeTiers, startScenarioFleet } from '../fleet.js';

/** Model calls are I/O: a classifier facing 0.4–2 s providers is run wider than the CPU-bound default. */
export const REALISTIC_CONCURRENCY = 32;
const CHEAP_DELAY_MS = 400;

/**
 * Scenario 3: cheap 400 ms, strong 2 s, 10% of model tickets unsure on cheap. Closed loop: as many
 * tickets in flight as the classifier has slots, a new one added as each finishes, so the workers
 * are always busy yet no ticket waits for a slot; what e2e adds on top of model time is the fleet's.
 * The first tickets are spread over one cheap-model latency: started in the same instant, a fake
 * that always answers in exactly 400 ms would keep them in lockstep, every slot's ticket arriving at
 * once every 400 ms, a burst real traffic does not have (the burst scenario covers bursts). Measured:
 * started together, the bare BullMQ chain with a 400 ms sleep shows the same 20–30 ms p95 pickup
 * delay as the fleet, so that delay belongs to the load shape, not to either pipeline.
 */
export async function runRealistic(ctx: BenchContext): Promise<ScenarioResult> {
  const durationMs = 30_000 * ctx.scale;
  const fake = await startFakeProvider({ cheapDelayMs: CHEAP_DELAY_MS, strongDelayMs: 2_000, strongShare: 0.1 });
  const fleet = await startScenarioFleet(ctx, 'realistic', {
    concurrency: REALISTIC_CONCURRENCY,
    ...fakeTiers(fake.url),
  });
  const { prefix } = fleet;
  const load = loadavg()[0] ?? 0;
  let next = 0;
  let feeding = true;
  const add = (): void => {
    const t = ticketAt(ctx.corpus, `${ctx.runId}r`, next++);
    fleet.enqueue([t]).catch((err: unknown) => ctx.logger.error({ err }, 'enqueue failed'));
  };
  fleet.onFinished(() => {
    if (feeding) add();
  });
  const start = performance.now();
  for (let i = 0; i < REALISTIC_CONCURRENCY; i++) setTimeout(add, (i * CHEAP_DELAY_MS) / REALISTIC_CONCURRENCY);
  await new Promise((r) => setTimeout(r, durationMs));
  feeding = false;
  const elapsedS = (performance.now() - start) / 1000;
  const doneInWindow = fleet.finished.length;
  await waitUntil(() => fleet.finished.length >= next, 30_000);
  const all = [...fleet.finished];
  const failed = fleet.failed;
  const counts = await fake.counts();
  await fleet.close();
  await fake.close();
  await dropPrefix(prefix, ctx.redisUrl);

  const throughput = doneInWindow / elapsedS;
  // What the slots allow: each ticket holds one for its model time (≈0 for rule and critical tickets).
  const meanServiceS = summarize(all.map((f) => f.record.totals.latencyMs)).mean / 1000;
  const allowed = REALISTIC_CONCURRENCY / meanServiceS;
  const modelTickets = all.filter((f) => f.record.totals.latencyMs >= 300);
  const e2e = summarize(modelTickets.map((f) => f.e2eMs));
  const modelLatency = summarize(modelTickets.map((f) => f.record.totals.latencyMs));
  const overhead = summarize(all.map((f) => f.e2eMs - f.record.totals.latencyMs));
  // Where the overhead sits: before/around the model calls (classifier) or after the decision (escalation hop).
  const classifierPart = summarize(all.map((f) => f.toDecisionMs - f.record.totals.latencyMs));
  const escalationPart = summarize(all.map((f) => f.e2eMs - f.toDecisionMs));
  const share = throughput / allowed;
  const e2eRatio = e2e.p95 / modelLatency.p95;
  return {
    rows: [
      {
        scenario: '3 realistic',
        metric: `throughput (tickets/s, concurrency ${REALISTIC_CONCURRENCY})`,
        value: `${fmt(throughput, 1)}  (load ${fmt(load, 2)})`,
      },
      {
        scenario: '3 realistic',
        metric: 'share of what concurrency allows',
        value: `${fmt(share * 100, 1)}% of ${fmt(allowed, 1)}/s`,
        target: '>= 90%',
        pass: share >= 0.9,
      },
      {
        scenario: '3 realistic',
        metric: 'e2e p95 / model latency p95 (ms)',
        value: `${fmt(e2e.p95)} / ${fmt(modelLatency.p95)}`,
        target: '<= 1.10x',
        pass: e2eRatio <= 1.1,
      },
      {
        scenario: '3 realistic',
        metric: 'queue overhead p50 / p95 (ms)',
        value: `${fmt(overhead.p50, 1)} / ${fmt(overhead.p95, 1)}`,
        target: 'p95 < 20',
        pass: overhead.p95 < 20,
      },
      {
        scenario: '3 realistic',
        metric: 'overhead p95: classifier / escalation hop (ms)',
        value: `${fmt(classifierPart.p95, 1)} / ${fmt(escalationPart.p95, 1)}`,
      },
      {
        scenario: '3 realistic',
        metric: 'tickets finished / failed attempts',
        value: `${all.length} / ${failed}`,
        target: 'all, 0',
        pass: all.length === next && failed === 0,
      },
    ],
    data: {
      concurrency: REALISTIC_CONCURRENCY,
      seconds: elapsedS,
      throughput,
      allowed,
      share,
      e2eModelTickets: e2e,
      modelLatency,
      queueOverhead: overhead,
      classifierOverhead: classifierPart,
      escalationHop: escalationPart,
      finished: all.length,
      added: next,
      failedAttempts: failed,
      cheapCalls: counts.cheap,
      strongCalls: counts.strong,
      loadAvg: load,
    },
  };
}
