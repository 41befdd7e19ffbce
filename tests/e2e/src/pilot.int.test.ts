import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openClassifierStack,
  REPO_PATHS,
  ClassifierConfig,
  RolloutView,
  startClassifier,
} from '@switchboard/classifier';
import { DEFAULT_LEGACY_TABLE, DEFAULT_ROUTING_TABLE, type RolloutStage } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { buildIngestServer } from '@switchboard/ingest';
import { openFleetContext, openQueue, ticketsQueue, type FleetContext } from '@switchboard/queues';
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { postJson } from './fleet-harness.js';

const KEY = 'pilot-key-0123456789abcdef';
const PROMPT = REPO_PATHS.prompt;
const POLL_MS = 50;

/** The cheap model reads "invoice" as billing and everything else as technical, always sure. */
const responder = (req: { ticket?: { body?: string } }) => {
  const billing = /invoice/i.test(req.ticket?.body ?? '');
  return {
    content: decisionJson({
      category: billing ? 'billing' : 'technical',
      priority: 'medium',
      team: billing ? 'billing_support' : 'tech_support',
      confidence: 0.95,
    }),
  };
};

describe('pilot against the legacy router', () => {
  const prefix = uniquePrefix('pilot');
  const logger = testLogger('pilot');
  let fake: FakeProvider;
  let fleet: FleetContext;
  let base: string;
  let closeAll: () => Promise<void>;
  let n = 0;

  const get = async (path: string): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const setStage = async (stage: RolloutStage): Promise<void> => {
    await fleet.rollout.set({ stage, since: new Date().toISOString(), by: 'test' });
    await new Promise((r) => setTimeout(r, POLL_MS * 3));
  };
  /** POSTs one ticket and waits until it has ended; returns its view. */
  const send = async (body: string, id = `p-${++n}`): Promise<{ id: string; view: Record<string, unknown> }> => {
    expect((await postJson(`${base}/v1/tickets`, KEY, { id, body })).status).toBe(202);
    const view = await waitFor(
      async () => {
        const v = await get(`/v1/tickets/${id}`);
        return v.json.status === 'routed' || v.json.status === 'escalated' ? v.json : undefined;
      },
      10_000,
      `ticket ${id} to end`,
    );
    return { id, view };
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI(responder);
    fleet = await openFleetContext({ redisUrl: TEST_REDIS_URL, prefix, role: 'worker', logger, retentionDays: 8 });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    const server = buildIngestServer({
      apiKeys: [KEY],
      tickets,
      store: fleet.store,
      redis: fleet.redis,
      logger,
      redisTimeoutMs: 5_000,
      pilot: { ledger: fleet.pilot, stage: async () => (await fleet.rollout.get()).stored?.stage ?? 'off' },
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 4,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
    });
    const classifier = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers: (await openClassifierStack({ config }, { logger })).tiers,
      rollout: new RolloutView(fleet.rollout, 'off', DEFAULT_LEGACY_TABLE, DEFAULT_ROUTING_TABLE, POLL_MS, logger),
      onExhausted: fleet.deadLetter,
    });
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: fleet.ctx,
      store: fleet.store,
      pilot: fleet.pilot,
      onExhausted: fleet.deadLetter,
    });
    closeAll = async () => {
      await server.close();
      await classifier.close();
      await escalation.close();
      await tickets.close();
      await fleet.close();
      await fake.close();
    };
  });
  afterAll(async () => {
    await closeAll();
    await dropPrefix(prefix);
  });

  it('shadow: both routers decide and are recorded, only the legacy decision is delivered', async () => {
    await setStage('shadow');
    // Legacy reads "error" as a bug; the model says technical. The legacy team is what gets delivered.
    const { view } = await send('I get an error when I open the settings page, how do I fix it?');
    expect(view.route).toMatchObject({ team: 'core_eng', via: 'legacy', escalated: false });
    expect(view.decision).toMatchObject({
      tier: 'cheap',
      decision: { category: 'technical' },
      pilot: {
        stage: 'shadow',
        deliveredBy: 'legacy',
        legacy: { category: 'bug', team: 'core_eng', matched: 'error' },
      },
    });
  });

  it('a stage change reaches running classifiers without a restart', async () => {
    await setStage(100);
    const { view } = await send('I get an error when I open the settings page, how do I fix it?');
    expect(view.route).toMatchObject({ team: 'tech_support', via: 'cheap' });
    expect(view.decision).toMatchObject({ pilot: { stage: 100, deliveredBy: 'new' } });
  });

  it('escalates a critical ticket to a person at every stage, whichever router would deliver it', async () => {
    for (const stage of ['shadow', 5, 50, 100] as const) {
      await setStage(stage);
      const { view } = await send('URGENT: the invoice page is down for everyone');
      expect(view.route, `stage ${String(stage)}`).toMatchObject({
        via: 'human',
        escalated: true,
        reasons: ['critical_keyword:urgent'],
      });
    }
  });

  it("feedback from upstream becomes the report's ground truth", async () => {
    await setStage('shadow');
    // Legacy: "invoice" → billing (right); new: billing (right).
    const a = await send('Please resend the invoice for October');
    // Legacy: "error" → bug (wrong); new: technical (right).
    const b = await send('I get an error when I log into the mobile app, how do I reset it?');
    expect(
      (
        await postJson(`${base}/v1/tickets/${a.id}/feedback`, KEY, {
          category: 'billing',
          team: 'billing_support',
          priority: 'low',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await postJson(`${base}/v1/tickets/${b.id}/feedback`, KEY, {
          category: 'technical',
          team: 'tech_support',
          priority: 'medium',
          agent: 'agent-7',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await postJson(`${base}/v1/tickets/nope-1/feedback`, KEY, {
          category: 'billing',
          team: 'billing_support',
          priority: 'low',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await postJson(`${base}/v1/tickets/${a.id}/feedback`, KEY, {
          category: 'finance',
          team: 'billing_support',
          priority: 'low',
        })
      ).status,
    ).toBe(400);
    // A team that contradicts its category is refused, and the feedback stored before stays.
    const contradictory = await postJson(`${base}/v1/tickets/${a.id}/feedback`, KEY, {
      category: 'billing',
      team: 'sales',
      priority: 'low',
    });
    expect(contradictory.status).toBe(422);

    const { status, json } = await get('/v1/pilot/report?days=1');
    expect(status).toBe(200);
    expect(json).toMatchObject({ stage: 'shadow', withFeedback: 2, disagreementsWithFeedback: [b.id] });
    expect((json.routers as Record<string, unknown>).new).toMatchObject({ judged: 2, categoryCorrect: 2 });
    expect((json.routers as Record<string, unknown>).legacy).toMatchObject({ judged: 2, categoryCorrect: 1 });
    expect(json.gate).toMatchObject({ next: 5, justified: false });
  });
});
