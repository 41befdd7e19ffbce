import { loadavg } from 'node:os';
import { dropPrefix } from '@switchboard/testkit';
import { DEFAULT_PRICES, DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { createOpenAITier, loadPrompt } from '@switchboard/llm';
import { startBareChain } from '../bare-chain.js';
import type { BenchContext, ScenarioResult } from '../bench-context.js';
import { startFakeProvider } from '../fake-provider.js';
import {
  CLASSIFIER_CONCURRENCY,
  ESCALATION_CONCURRENCY,
  fakeTiers,
  startScenarioFleet,
  type Finished,
} from '../fleet.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';
import { timeRun, WARMUP } from '../time-run.js';
import { runOverheadAsProcesses } from './overhead-processes.js';
import { measureRoundTrips } from '../round-trips.js';

/** The busiest entries, as `evalsha 9.0, hset 4.0, …`: the whole list is in the JSON. */
const listed = (counts: Record<string, number>, top = 10): string =>
  Object.entries(counts)
    .slice(0, top)
    .map(([c, n]) => `${c} ${fmt(n, 2)}`)
    .join(', ');

/**
 * Scenario 1: the same tickets through the bare chain and through the fleet, both with the default
 * concurrency (classifier 8, escalation 16) and the model tiers answered at once, so what is left is
 * the fleet's own cost per ticket. The fleet's finished records also feed the cost scenario.
 */
export async function runOverhead(ctx: BenchContext): Promise<ScenarioResult & { finished: Finished[] }> {
  const n = Math.round(3_000 * ctx.scale);
  const runId = `${ctx.runId}o`;

  const barePrefix = `${ctx.prefix}-bare`;
  const bare = startBareChain({
    redisUrl: ctx.redisUrl,
    prefix: barePrefix,
    concurrency: [CLASSIFIER_CONCURRENCY, ESCALATION_CONCURRENCY],
  });
  const bareLoad = loadavg()[0] ?? 0;
  const bareRun = await timeRun(
    (from, k) => bare.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${runId}b`, from + i))),
    () => bare.done(),
    n,
  );
  await bare.close();
  await dropPrefix(barePrefix, ctx.redisUrl);

  const fake = await startFakeProvider({ cheapDelayMs: 0, strongDelayMs: 0, strongShare: 0.1 });
  const fleet = await startScenarioFleet(ctx, 'overhead', {
    concurrency: CLASSIFIER_CONCURRENCY,
    ...fakeTiers(fake.url),
  });
  const fleetLoad = loadavg()[0] ?? 0;
  let providerCpuAtStart = 0;
  const fleetRun = await timeRun(
    (from, k) => fleet.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, runId, from + i))),
    () => fleet.finished.length,
    n,
    async () => {
      providerCpuAtStart = (await fake.counts()).cpuMicros;
    },
  );
  const providerCpuPerTicket = ((await fake.counts()).cpuMicros - providerCpuAtStart) / n;
  const finished = [...fleet.finished];
  const failed = fleet.failed;
  await fleet.close();
  await dropPrefix(fleet.prefix, ctx.redisUrl);

  // The bare chain again, its first hop making the cheap-tier call the fleet makes (the project's
  // OpenAI tier: SDK, HTTP, answer parsing) and nothing else: what the fleet costs beyond a pipeline
  // that also asks a model.
  const withCallPrefix = `${ctx.prefix}-bare-with-call`;
  const tier = createOpenAITier(
    { name: 'cheap', ...fakeTiers(fake.url).cheap, maxTokens: 300 },
    { prompt: await loadPrompt(ctx.promptPath), routing: DEFAULT_ROUTING_TABLE, prices: DEFAULT_PRICES },
  );
  const withCall = startBareChain({
    redisUrl: ctx.redisUrl,
    prefix: withCallPrefix,
    concurrency: [CLASSIFIER_CONCURRENCY, ESCALATION_CONCURRENCY],
    firstHopWork: async (t) => {
      await tier.classify({ ticketId: t.id, subject: t.subject ?? '', body: t.body, language: t.language });
    },
  });
  const withCallRun = await timeRun(
    (from, k) => withCall.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${runId}c`, from + i))),
    () => withCall.done(),
    n,
  );
  await withCall.close();
  // Exact counts need a Redis nobody else uses; fewer tickets do, the figures are per ticket.
  const roundTrips = await measureRoundTrips(ctx, Math.round(1_000 * ctx.scale), fakeTiers(fake.url));
  await fake.close();
  await dropPrefix(withCallPrefix, ctx.redisUrl);

  // The same fleet with no model tier (rules, then people): what the queues, records, guardrails,
  // logs and metrics cost without the HTTP call to a provider, which the bare chain does not make.
  const noModel = await startScenarioFleet(ctx, 'overhead-nomodel', { concurrency: CLASSIFIER_CONCURRENCY });
  const noModelRun = await timeRun(
    (from, k) => noModel.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${runId}n`, from + i))),
    () => noModel.finished.length,
    n,
  );
  await noModel.close();
  await dropPrefix(noModel.prefix, ctx.redisUrl);

  const processes = await runOverheadAsProcesses(ctx, [CLASSIFIER_CONCURRENCY, ESCALATION_CONCURRENCY], n);

  const [bareRate, fleetRate] = [bareRun.rate, fleetRun.rate];
  const ratio = fleetRate / bareRate;
  const noModelRatio = noModelRun.rate / bareRate;
  const withCallRatio = fleetRate / withCallRun.rate;
  return {
    finished,
    rows: [
      {
        scenario: '1 overhead',
        metric: 'bare BullMQ chain (tickets/s)',
        value: `${fmt(bareRate)}  (load ${fmt(bareLoad, 2)})`,
      },
      {
        scenario: '1 overhead',
        metric: 'fleet, instant models (tickets/s)',
        value: `${fmt(fleetRate)}  (load ${fmt(fleetLoad, 2)})`,
      },
      {
        scenario: '1 overhead',
        metric: 'fleet / bare chain',
        value: fmt(ratio, 2),
        target: '>= 0.60',
        pass: ratio >= 0.6,
      },
      {
        scenario: '1 overhead',
        metric: 'CPU per ticket: bare / fleet / fake provider (µs)',
        value: `${fmt(bareRun.cpuMicrosPerTicket)} / ${fmt(fleetRun.cpuMicrosPerTicket)} / ${fmt(providerCpuPerTicket)}`,
      },
      {
        scenario: '1 overhead',
        metric: 'fleet with no model tier: tickets/s, / bare, CPU µs/ticket',
        value: `${fmt(noModelRun.rate)}, ${fmt(noModelRatio, 2)}, ${fmt(noModelRun.cpuMicrosPerTicket)}`,
      },
      {
        scenario: '1 overhead',
        metric: 'bare chain + the same model call: tickets/s, fleet / it',
        value: `${fmt(withCallRun.rate)}, ${fmt(withCallRatio, 2)}`,
      },
      {
        scenario: '1 overhead',
        metric: 'as processes (npm start): bare, fleet (tickets/s), ratio',
        value: `${fmt(processes.bareTicketsPerSec)}, ${fmt(processes.fleetTicketsPerSec)}, ${fmt(processes.ratio, 2)}`,
      },
      {
        scenario: '1 overhead',
        metric: 'Redis round trips per ticket: bare chain / fleet (+ background: idle fetches, timers, polls)',
        value: `${fmt(roundTrips.bare.roundTrips, 2)} / ${fmt(roundTrips.fleet.roundTrips, 2)}  (+${fmt(roundTrips.bare.background, 2)} / +${fmt(roundTrips.fleet.background, 2)})`,
        target: 'fleet <= 6',
        // The enqueue's one pipeline per 500 tickets adds 0.002.
        pass: roundTrips.fleet.roundTrips < 6.01,
      },
      {
        scenario: '1 overhead',
        metric: 'round trips per ticket by what they ran, fleet',
        value: listed(roundTrips.fleet.requestsBy),
      },
      {
        scenario: '1 overhead',
        metric: 'script calls + transactions per ticket (commandstats): bare / fleet',
        value: `${fmt(roundTrips.bare.scriptsAndTransactions, 2)} / ${fmt(roundTrips.fleet.scriptsAndTransactions, 2)}`,
      },
      {
        scenario: '1 overhead',
        metric: 'Redis commands per ticket (commandstats), fleet',
        value: listed(roundTrips.fleet.commands, 6),
      },
      {
        scenario: '1 overhead',
        metric: 'Redis commands per ticket (commandstats), bare chain',
        value: listed(roundTrips.bare.commands, 6),
      },
      { scenario: '1 overhead', metric: 'failed job attempts', value: String(failed), target: '0', pass: failed === 0 },
    ],
    data: {
      tickets: n,
      warmup: WARMUP,
      bareTicketsPerSec: bareRate,
      fleetTicketsPerSec: fleetRate,
      ratio,
      cpuMicrosPerTicket: {
        bare: bareRun.cpuMicrosPerTicket,
        fleet: fleetRun.cpuMicrosPerTicket,
        fakeProvider: providerCpuPerTicket,
      },
      noModelTier: {
        ticketsPerSec: noModelRun.rate,
        ratio: noModelRatio,
        cpuMicrosPerTicket: noModelRun.cpuMicrosPerTicket,
      },
      asProcesses: processes,
      bareWithModelCall: {
        ticketsPerSec: withCallRun.rate,
        fleetRatio: withCallRatio,
        cpuMicrosPerTicket: withCallRun.cpuMicrosPerTicket,
      },
      roundTripsPerTicket: roundTrips,
      failedAttempts: failed,
      loadAvg: { bare: bareLoad, fleet: fleetLoad },
    },
  };
}
