import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClassifierStack, REPO_PATHS, ClassifierConfig, startClassifier } from '@switchboard/classifier';
import type { TicketInput } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { buildIngestServer } from '@switchboard/ingest';
import {
  allQueueDefs,
  openFleetContext,
  openFleetStateReader,
  openQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import { createAppMetrics, exportFleetState, startMetricsServer, type MetricsServer } from '@switchboard/runtime';
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
  type FakeReply,
  type SeenRequest,
} from '@switchboard/testkit';
import { postJson, fakeModelTier } from './fleet-harness.js';
import { family, scrape, valueOf, type Sample } from './prometheus-text.js';

const KEY = 'e2e-key-0123456789abcdef';
const SCRAPE_TOKEN = 'scrape-token-0123456789';
const PROMPT = REPO_PATHS.prompt;
const CHEAP = 'fake-cheap';
const STRONG = 'fake-strong';
const PRICES: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {
  [CHEAP]: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  [STRONG]: { inputPerMTok: 5, outputPerMTok: 25 },
};
const USAGE: Record<string, { prompt_tokens: number; completion_tokens: number }> = {
  [CHEAP]: { prompt_tokens: 1_000, completion_tokens: 100 },
  [STRONG]: { prompt_tokens: 2_000, completion_tokens: 50 },
};

type Case =
  'hotword' | 'critical-urgent' | 'critical-loss' | 'cheap' | 'unsure' | 'invalid' | 'flagged' | 'rate-limited';

/** A known stream: how many tickets of each case, and what each says. */
const MIX: [Case, number, string][] = [
  ['hotword', 3, 'Please refund the second charge on my card.'],
  ['critical-urgent', 1, 'URGENT: checkout fails for every customer.'],
  ['critical-loss', 1, 'We had data loss after last night’s sync.'],
  ['cheap', 4, 'How do I export my reports to CSV?'],
  ['unsure', 2, 'Do you offer a discount for 50 seats?'],
  ['invalid', 1, 'The export button does nothing on Safari.'],
  ['flagged', 1, 'I was charged twice for the annual plan.'],
  ['rate-limited', 1, 'Please close my account at the end of the month.'],
];

const TAG = /\[m:([a-z-]+)\]/;

describe('metrics after a known stream of tickets', () => {
  const prefix = uniquePrefix('metrics');
  const logger = testLogger('metrics');
  let fake: FakeProvider;
  const fleets: FleetContext[] = [];
  const servers: MetricsServer[] = [];
  const paidAnswers: Record<string, number> = { [CHEAP]: 0, [STRONG]: 0 };
  let closeApps: () => Promise<void> = () => Promise.resolve();
  let ingestBase = '';
  let url: { ingest: string; classifier: string; escalation: string; fleetState: string };
  let tickets: TicketInput[] = [];

  /** The provider's script; every reply that carries tokens is counted, for the expected cost. */
  const responder = (() => {
    const limited = new Set<string>();
    return (req: SeenRequest): FakeReply => {
      const kase = TAG.exec(req.ticket?.body ?? '')?.[1] as Case | undefined;
      const cheap = req.model === CHEAP;
      const answer = (d: Parameters<typeof decisionJson>[0]): FakeReply => {
        paidAnswers[req.model] = (paidAnswers[req.model] ?? 0) + 1;
        return { content: decisionJson(d), usage: USAGE[req.model] };
      };
      switch (kase) {
        case 'cheap':
          return answer({ category: 'technical', priority: 'low', team: 'tech_support', confidence: 0.9 });
        case 'unsure':
          return answer({ category: 'sales', priority: 'low', team: 'sales', confidence: cheap ? 0.5 : 0.95 });
        case 'invalid':
          if (!cheap) return answer({ category: 'bug', priority: 'medium', team: 'core_eng', confidence: 0.9 });
          paidAnswers[req.model] = (paidAnswers[req.model] ?? 0) + 1;
          return { content: 'Sure! It is a bug, I think.', usage: USAGE[req.model] };
        case 'flagged':
          return answer({
            category: 'billing',
            priority: 'medium',
            team: 'billing_support',
            confidence: 0.95,
            escalation_required: true,
          });
        case 'rate-limited': {
          const id = req.ticket?.body ?? '';
          if (!limited.has(id)) {
            limited.add(id);
            return { status: 429, headers: { 'retry-after-ms': '50' } };
          }
          return answer({ category: 'cancellation', priority: 'low', team: 'account_ops', confidence: 0.9 });
        }
        default:
          return { status: 500, body: '{"error":{"message":"this ticket should never reach a model"}}' };
      }
    };
  })();

  beforeAll(async () => {
    fake = await startFakeOpenAI(responder);
    // One registry per app, as in production where each is its own process.
    const ingestMetrics = createAppMetrics({ app: 'ingest', processMetrics: false });
    const classifierMetrics = createAppMetrics({ app: 'classifier', processMetrics: false });
    const escalationMetrics = createAppMetrics({ app: 'escalation', processMetrics: false });
    // The one process that reads queue depths for the fleet (drift in production).
    const stateMetrics = createAppMetrics({ app: 'drift', processMetrics: false });

    const open = async (
      role: 'producer' | 'worker',
      metrics: ReturnType<typeof createAppMetrics>,
    ): Promise<FleetContext> => {
      const fleet = await openFleetContext({
        redisUrl: TEST_REDIS_URL,
        prefix,
        role,
        logger,
        retentionDays: 1,
        metrics: metrics.pipeline,
      });
      fleets.push(fleet);
      return fleet;
    };
    const ingestFleet = await open('producer', ingestMetrics);
    const classifierFleet = await open('worker', classifierMetrics);
    const escalationFleet = await open('worker', escalationMetrics);
    const stateFleet = await open('worker', stateMetrics);

    const ticketsProducer = openQueue(ticketsQueue, ingestFleet.ctx);
    const ingest = buildIngestServer({
      apiKeys: [KEY],
      tickets: ticketsProducer,
      store: ingestFleet.store,
      redis: ingestFleet.redis,
      logger,
      redisTimeoutMs: 5_000,
      metrics: ingestMetrics,
      metricsToken: SCRAPE_TOKEN,
    });
    await ingest.listen({ port: 0, host: '127.0.0.1' });
    ingestBase = `http://127.0.0.1:${(ingest.server.address() as AddressInfo).port}`;

    const model = (name: string, threshold: number) => fakeModelTier(fake.url, name, threshold);
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 4,
      prices: PRICES,
      cheap: model(CHEAP, 0.75),
      strong: model(STRONG, 0.6),
    });
    const classifier = startClassifier(config, {
      ctx: classifierFleet.ctx,
      store: classifierFleet.store,
      tiers: (await openClassifierStack({ config }, { logger })).tiers,
      onExhausted: classifierFleet.deadLetter,
    });
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: escalationFleet.ctx,
      store: escalationFleet.store,
      onExhausted: escalationFleet.deadLetter,
    });
    const reader = openFleetStateReader(stateFleet.ctx);
    exportFleetState(stateMetrics.registry, reader.read, { log: logger });

    const serve = async (metrics: ReturnType<typeof createAppMetrics>): Promise<string> => {
      const server = await startMetricsServer({ metrics, port: 0, host: '127.0.0.1', token: SCRAPE_TOKEN, logger });
      servers.push(server);
      return `${server.url}/metrics`;
    };
    url = {
      ingest: `${ingestBase}/metrics`,
      classifier: await serve(classifierMetrics),
      escalation: await serve(escalationMetrics),
      fleetState: await serve(stateMetrics),
    };
    closeApps = async () => {
      await ingest.close();
      await classifier.close();
      await escalation.close();
      await Promise.all(servers.map((s) => s.close()));
      await reader.close();
      await ticketsProducer.close();
    };
  });

  afterAll(async () => {
    await closeApps();
    for (const f of fleets) await f.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('counts tickets in and out, tier decisions, escalations by reason, model cost and queue depths exactly', async () => {
    let n = 0;
    tickets = MIX.flatMap(([kase, count, text]) =>
      Array.from({ length: count }, () => ({ id: `m-${++n}`, subject: 'Help', body: `${text} [m:${kase}]` })),
    );
    expect(tickets).toHaveLength(14);
    // Ten in one batch with one invalid ticket and one repeat; the rest one by one.
    const batch = await postJson(`${ingestBase}/v1/tickets/batch`, KEY, {
      tickets: [...tickets.slice(0, 10), { id: 'bad id', body: 'x' }, tickets[0]],
    });
    expect(batch).toMatchObject({ status: 200, json: { accepted: 10, duplicates: 1, rejected: 1 } });
    for (const t of tickets.slice(10)) expect((await postJson(`${ingestBase}/v1/tickets`, KEY, t)).status).toBe(202);
    // A job no schema accepts: dead-lettered at once, without a ticket record.
    const raw = new Queue(ticketsQueue.queueName, { connection: { url: TEST_REDIS_URL }, prefix });
    await raw.add('classify', { ticket: { body: 42 } }, { jobId: 'junk-1' });
    await raw.close();

    // Scraped until the last counters land: a job's `completed` event follows its handler by a round trip.
    const settled = async (url: string, check: (s: Sample[]) => boolean): Promise<Sample[]> =>
      waitFor(
        async () => {
          const samples = await scrape(url, SCRAPE_TOKEN);
          return check(samples) ? samples : undefined;
        },
        20_000,
        `counters at ${url}`,
      );
    const processed = (s: Sample[], queue: string, result: string) =>
      valueOf(s, 'switchboard_queue_jobs_processed_total', { queue, result });
    const classifier = await settled(
      url.classifier,
      (s) =>
        processed(s, 'tickets', 'completed') === 14 &&
        valueOf(s, 'switchboard_dead_letters_total', { queue: 'tickets' }) === 1,
    );
    const escalation = await settled(url.escalation, (s) => processed(s, 'decisions', 'completed') === 14);
    const ingest = await scrape(url.ingest, SCRAPE_TOKEN);
    const state = await scrape(url.fleetState, SCRAPE_TOKEN);

    // Tickets in: what ingest accepted and enqueued, and what each queue's consumer took off it.
    expect(family(ingest, 'switchboard_tickets_ingested_total')).toEqual({
      'result=accepted': 14,
      'result=duplicate': 1,
      'result=rejected': 1,
    });
    expect(family(ingest, 'switchboard_queue_jobs_added_total')).toEqual({ 'queue=tickets': 14 });
    expect(
      valueOf(ingest, 'switchboard_http_requests_total', { route: '/v1/tickets', method: 'POST', status: '202' }),
    ).toBe(4);
    expect(family(classifier, 'switchboard_queue_jobs_processed_total')).toEqual({
      'queue=tickets,result=completed': 14,
      'queue=tickets,result=deferred': 1,
      'queue=tickets,result=failed': 1,
    });
    expect(family(classifier, 'switchboard_queue_jobs_added_total')).toEqual({
      'queue=decisions': 14,
      'queue=dead-letter': 1,
    });
    expect(family(escalation, 'switchboard_queue_jobs_processed_total')).toEqual({
      'queue=decisions,result=completed': 14,
    });

    // The cascade: which tier decided, and every tier call.
    expect(family(classifier, 'switchboard_tier_decisions_total')).toEqual({
      'outcome=decided,tier=rule': 3,
      'outcome=critical,tier=none': 2,
      'outcome=decided,tier=cheap': 6,
      'outcome=decided,tier=strong': 3,
    });
    expect(family(classifier, 'switchboard_tier_attempts_total')).toEqual({
      'outcome=accepted,tier=rule': 3,
      'outcome=abstained,tier=rule': 9,
      'outcome=accepted,tier=cheap': 6,
      'outcome=below_threshold,tier=cheap': 2,
      'outcome=invalid,tier=cheap': 2,
      'outcome=accepted,tier=strong': 3,
    });
    expect(family(classifier, 'switchboard_model_errors_total')).toEqual({
      [`kind=invalid_output,model=${CHEAP},tier=cheap`]: 2,
      [`kind=rate_limited,model=${CHEAP},tier=cheap`]: 1,
    });
    expect(valueOf(classifier, 'switchboard_model_latency_seconds_count', { model: CHEAP, tier: 'cheap' })).toBe(10);
    expect(valueOf(classifier, 'switchboard_model_latency_seconds_count', { model: STRONG, tier: 'strong' })).toBe(3);

    // Cost: every answer that carried tokens, at the configured prices; critical and hotword tickets cost nothing.
    expect(paidAnswers).toEqual({ [CHEAP]: 10, [STRONG]: 3 });
    for (const m of [CHEAP, STRONG]) {
      const usage = USAGE[m];
      const price = PRICES[m];
      if (!usage || !price) throw new Error(`no usage or price for ${m}`);
      const calls = paidAnswers[m] ?? 0;
      const usd =
        (calls * (usage.prompt_tokens * price.inputPerMTok + usage.completion_tokens * price.outputPerMTok)) /
        1_000_000;
      expect(valueOf(classifier, 'switchboard_model_cost_usd_total', { model: m })).toBeCloseTo(usd, 12);
      expect(valueOf(classifier, 'switchboard_model_tokens_total', { model: m, kind: 'prompt' })).toBe(
        calls * usage.prompt_tokens,
      );
      expect(valueOf(classifier, 'switchboard_model_tokens_total', { model: m, kind: 'completion' })).toBe(
        calls * usage.completion_tokens,
      );
    }
    expect(fake.calls.filter((c) => /\[m:(hotword|critical-[a-z]+)\]/.test(c.ticket?.body ?? ''))).toHaveLength(0);

    // Tickets out: where each ended, and why people got the ones they did.
    expect(family(escalation, 'switchboard_tickets_routed_total')).toEqual({
      'team=billing_support,via=rule': 3,
      'team=tech_support,via=cheap': 4,
      'team=sales,via=strong': 2,
      'team=core_eng,via=strong': 1,
      'team=account_ops,via=cheap': 1,
      'team=triage,via=human': 2,
      'team=billing_support,via=human': 1,
    });
    expect(family(escalation, 'switchboard_escalations_total')).toEqual({
      'reason=critical_keyword:urgent': 1,
      'reason=critical_keyword:data loss': 1,
      'reason=model_flagged': 1,
    });
    expect(family(escalation, 'switchboard_queue_jobs_added_total')).toEqual({
      'queue=team-billing-support': 3,
      'queue=team-tech-support': 4,
      'queue=team-sales': 2,
      'queue=team-core-eng': 1,
      'queue=team-account-ops': 1,
      'queue=human-review': 3,
    });

    // Depths, read from Redis at scrape time by the one exporting process; nothing drains the
    // destination queues here, so they hold exactly what was delivered.
    const depths = family(state, 'switchboard_queue_jobs');
    const nonZero = Object.fromEntries(Object.entries(depths).filter(([, v]) => v !== 0));
    expect(nonZero).toEqual({
      'queue=team-billing-support,state=waiting': 3,
      'queue=team-tech-support,state=waiting': 4,
      'queue=team-sales,state=waiting': 2,
      'queue=team-core-eng,state=waiting': 1,
      'queue=team-account-ops,state=waiting': 1,
      'queue=human-review,state=prioritized': 3,
      'queue=tickets,state=failed': 1,
      'queue=dead-letter,state=waiting': 1,
    });
    // Every queue of the fleet is there, at every state, zeros included.
    expect(Object.keys(depths)).toHaveLength(allQueueDefs().length * 5);
    expect(valueOf(state, 'switchboard_dead_letter_jobs')).toBe(1);
    expect(valueOf(state, 'switchboard_fleet_state_up')).toBe(1);
    // The workers leave queue depths to the one exporting process.
    expect(family(classifier, 'switchboard_queue_jobs')).toEqual({});
    expect(family(escalation, 'switchboard_dead_letter_jobs')).toEqual({});
  });

  it('needs the scrape token on every endpoint', async () => {
    for (const u of Object.values(url)) {
      expect((await fetch(u)).status, u).toBe(401);
      expect((await fetch(u, { headers: { authorization: `Bearer ${KEY}` } })).status, u).toBe(401);
    }
  });
});
