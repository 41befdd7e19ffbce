import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClassifierStack, REPO_PATHS, ClassifierConfig, startClassifier } from '@switchboard/classifier';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { buildIngestServer } from '@switchboard/ingest';
import {
  openFleetContext,
  openQueue,
  teamQueue,
  humanReviewQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import {
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { buildScenario, CHEAP, expectedRoute, scenarioResponder, STRONG, type Case } from './scenario.js';
import { destinations, postJson, fakeModelTier } from './fleet-harness.js';

const KEY = 'e2e-key-0123456789abcdef';
const PROMPT = REPO_PATHS.prompt;
const MIX: Record<Case, number> = {
  hotword: 60,
  critical: 40,
  cheap: 190,
  'cheap-unsure': 90,
  'cheap-invalid': 50,
  'high-unsure': 40,
  'all-down': 20,
  injection: 10,
};

describe('500 tickets through ingest → classifier → escalation', () => {
  const prefix = uniquePrefix('e2e');
  const logger = testLogger('e2e');
  let fake: FakeProvider;
  let producerFleet: FleetContext;
  let workerFleet: FleetContext;
  let closeAll: () => Promise<void>;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI(scenarioResponder);
    producerFleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger,
      retentionDays: 1,
    });
    workerFleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger,
      retentionDays: 1,
    });
    const tickets = openQueue(ticketsQueue, producerFleet.ctx);
    const server = buildIngestServer({
      apiKeys: [KEY],
      tickets,
      store: producerFleet.store,
      redis: producerFleet.redis,
      logger,
      redisTimeoutMs: 5_000,
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const model = (name: string, threshold: number) => fakeModelTier(fake.url, name, threshold);
    // The script fails the provider for some tickets only, which a real provider never does; a breaker
    // would rightly stop calling it after a run of those and reroute the healthy tickets behind them.
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 16,
      backoffBaseMs: 5,
      cheap: model(CHEAP, 0.75),
      strong: model(STRONG, 0),
      circuitBreaker: { failures: 1_000_000 },
    });
    const classifier = startClassifier(config, {
      ctx: workerFleet.ctx,
      store: workerFleet.store,
      tiers: (await openClassifierStack({ config }, { logger })).tiers,
      onExhausted: workerFleet.deadLetter,
    });
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: workerFleet.ctx,
      store: workerFleet.store,
      onExhausted: workerFleet.deadLetter,
    });
    closeAll = async () => {
      await server.close();
      await classifier.close();
      await escalation.close();
      await tickets.close();
      await producerFleet.close();
      await workerFleet.close();
      await fake.close();
    };
  });

  afterAll(async () => {
    await closeAll();
    await dropPrefix(prefix);
  });

  it('ends every ticket exactly once, where the provider script says, with tier counts to match', async () => {
    const scenario = buildScenario('e2e', MIX);
    expect(scenario).toHaveLength(500);
    // Half in batches, half one by one: both ingest paths feed the same pipeline.
    const half = scenario.length / 2;
    for (let i = 0; i < half; i += 125) {
      const { status, json } = await postJson(`${base}/v1/tickets/batch`, KEY, {
        tickets: scenario.slice(i, i + 125).map((t) => t.input),
      });
      expect(status).toBe(200);
      expect(json).toMatchObject({ accepted: 125, rejected: 0 });
    }
    await Promise.all(
      scenario.slice(half).map(async (t) => {
        const { status } = await postJson(`${base}/v1/tickets`, KEY, t.input);
        expect(status).toBe(202);
      }),
    );

    await waitFor(
      async () => {
        const statuses = await Promise.all(scenario.map((t) => producerFleet.store.status(t.input.id)));
        return statuses.every((s) => s === 'routed' || s === 'escalated') ? true : undefined;
      },
      90_000,
      'all 500 tickets to be routed or escalated',
    );

    const where = await destinations(producerFleet.redis, prefix);
    const wrong: string[] = [];
    for (const t of scenario) {
      const exp = expectedRoute(t);
      const places = where.get(t.input.id) ?? [];
      const want = exp.escalated ? humanReviewQueue.queueName : teamQueue(exp.team as never).queueName;
      if (places.length !== 1 || places[0] !== want)
        wrong.push(`${t.input.id} (${t.kase}) in [${places.join(', ')}], expected ${want}`);
      const view = await producerFleet.store.get(t.input.id);
      if (view?.route?.via !== exp.via || view.route.team !== exp.team)
        wrong.push(`${t.input.id} (${t.kase}) route ${JSON.stringify(view?.route)}`);
    }
    expect(wrong).toEqual([]);
    expect([...where.values()].reduce((s, p) => s + p.length, 0)).toBe(500);

    // Tier counts seen by the provider: hotword and critical tickets never reach a model.
    const cheapCalls = fake.calls.filter((c) => c.model === CHEAP).length;
    const strongCalls = fake.calls.filter((c) => c.model === STRONG).length;
    const modelTickets = MIX.cheap + MIX['cheap-unsure'] + MIX['cheap-invalid'] + MIX['high-unsure'] + MIX.injection;
    // invalid answers are retried once on the same tier; 503s once (transientRetries) on each tier.
    expect(cheapCalls).toBe(modelTickets + MIX['cheap-invalid'] + 2 * MIX['all-down']);
    expect(strongCalls).toBe(MIX['cheap-unsure'] + MIX['cheap-invalid'] + 2 * MIX['all-down']);
    const leaked = fake.calls.filter((c) => /\[case:(hotword|critical):/.test(c.ticket?.body ?? ''));
    expect(leaked).toHaveLength(0);

    const escalatedView = await producerFleet.store.get(scenario.find((t) => t.kase === 'all-down')?.input.id ?? '');
    expect(escalatedView?.route?.reasons).toEqual(['models_unavailable']);
    const highView = await producerFleet.store.get(scenario.find((t) => t.kase === 'high-unsure')?.input.id ?? '');
    expect(highView?.route?.reasons).toEqual(['high_priority_low_confidence']);
    // The model obeyed the injection (low priority, no escalation); the guardrail did not.
    const injected = await producerFleet.store.get(scenario.find((t) => t.kase === 'injection')?.input.id ?? '');
    expect(injected?.decision?.decision).toMatchObject({
      priority: 'low',
      escalation_required: false,
      confidence: 0.99,
    });
    expect(injected?.route).toMatchObject({ escalated: true, reasons: ['prompt_injection_suspected'] });
  });
});
