import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifierConfig, openClassifierStack, REPO_PATHS, startClassifier } from '@switchboard/classifier';
import { signZendesk, startWriteBackWorker, writerFor, zendeskWriteBack } from '@switchboard/connectors';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { buildIngestServer } from '@switchboard/ingest';
import { decisionsQueue, jobIdForTicket, openFleetContext, openQueue, ticketsQueue } from '@switchboard/queues';
import {
  dropPrefix,
  startFakeZendesk,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeZendesk,
} from '@switchboard/testkit';
import { kill, spawnApp } from './child-apps.js';

const AUTH = { email: 'bot@acme.example', token: 'zd-api-token-0123456789' };
const SECRET = 'zendesk-signing-secret-0123456789';
const GROUPS = { billing_support: 360001, tech_support: 360002, account_ops: 360005, triage: 360009 };

describe('Zendesk, in and out', () => {
  const prefix = uniquePrefix('zendesk-e2e');
  let zendesk: FakeZendesk;
  let base: string;
  let closeAll: () => Promise<void>;

  beforeAll(async () => {
    zendesk = await startFakeZendesk(AUTH);
    const logger = testLogger('zendesk-e2e');
    const fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger,
      retentionDays: 8,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    const server = buildIngestServer({
      apiKeys: ['e2e-key-0123456789abcdef'],
      tickets,
      store: fleet.store,
      redis: fleet.redis,
      logger,
      redisTimeoutMs: 5_000,
      connectors: { zendesk: { connector: 'zendesk', secret: SECRET, groups: GROUPS } },
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    // No model endpoint: the rule tier routes hotword tickets, a critical keyword goes to a person.
    const config = ClassifierConfig.parse({ promptPath: REPO_PATHS.prompt, concurrency: 4, localModelPath: 'off' });
    const classifier = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers: (await openClassifierStack({ config }, { logger })).tiers,
      onExhausted: fleet.deadLetter,
    });
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: fleet.ctx,
      store: fleet.store,
      onExhausted: fleet.deadLetter,
      writeBack: new Set(['zendesk'] as const),
    });
    const wb = zendeskWriteBack({
      ZENDESK_URL: zendesk.url,
      ZENDESK_EMAIL: AUTH.email,
      ZENDESK_API_TOKEN: AUTH.token,
      ZENDESK_GROUPS: GROUPS,
    });
    if (!wb) throw new Error('write-back not configured');
    const worker = startWriteBackWorker({
      config: wb,
      writer: writerFor(wb),
      ctx: fleet.ctx,
      store: fleet.store,
      onExhausted: fleet.deadLetter,
    });
    closeAll = async () => {
      await server.close();
      await classifier.close();
      await escalation.close();
      await worker.close();
      await tickets.close();
      await fleet.close();
      await zendesk.close();
      await dropPrefix(prefix);
    };
  });
  afterAll(async () => closeAll());

  const webhook = async (id: number, subject: string, description: string): Promise<number> => {
    const body = JSON.stringify({
      ticket: {
        id: String(id),
        subject,
        description,
        requester_email: 'jane@example.com',
        status: 'New',
        group_id: '',
      },
    });
    const ts = new Date().toISOString();
    const res = await fetch(`${base}/v1/connectors/zendesk/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': signZendesk(SECRET, ts, body),
        'x-zendesk-webhook-signature-timestamp': ts,
      },
      body,
    });
    await res.body?.cancel();
    return res.status;
  };
  const written = (id: number) =>
    waitFor(() => ((zendesk.tickets.get(id)?.comments.length ?? 0) > 0 ? zendesk.tickets.get(id) : undefined), 20_000);

  it('a created-ticket webhook ends as the right group, priority, tags and note on the ticket, once', async () => {
    zendesk.create(5001);
    expect(await webhook(5001, 'Refund please', 'I want a refund for the double charge on my card.')).toBe(202);
    const t = await written(5001);
    expect(t.group_id).toBe(360001);
    expect(t.tags).toEqual(expect.arrayContaining(['switchboard_billing', 'switchboard_via_rule']));
    expect(t.comments).toHaveLength(1);
    expect(t.comments[0]?.public).toBe(false);
    // Zendesk re-sends the webhook (it retries what it thinks failed): nothing is written twice.
    expect(await webhook(5001, 'Refund please', 'I want a refund for the double charge on my card.')).toBe(200);
    const puts = () => zendesk.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/5001')).length;
    expect(puts()).toBe(1);
  });

  it('an escalation goes to the triage group with switchboard_escalated and the reason', async () => {
    zendesk.create(5002);
    expect(await webhook(5002, 'Help', 'URGENT: production down, nobody can log in')).toBe(202);
    const t = await written(5002);
    expect(t.group_id).toBe(360009);
    expect(t.tags).toEqual(
      expect.arrayContaining(['switchboard_escalated', 'switchboard_reason_critical_keyword_urgent']),
    );
    expect(t.comments[0]?.body).toContain('critical_keyword:urgent');
  });
});

describe('a write-back worker killed with SIGKILL mid-run', () => {
  const prefix = uniquePrefix('zendesk-crash');
  let zendesk: FakeZendesk;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    zendesk = await startFakeZendesk(AUTH);
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => kill(c, 'SIGKILL')));
    await zendesk.close();
    await dropPrefix(prefix);
  });

  it('writes every ticket back once', async () => {
    const fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 8,
    });
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      ZENDESK_URL: zendesk.url,
      ZENDESK_EMAIL: AUTH.email,
      ZENDESK_API_TOKEN: AUTH.token,
      ZENDESK_GROUPS: JSON.stringify(GROUPS),
      // Short locks, so the killed worker's write-backs return within seconds.
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    };
    // Every Zendesk answer takes a while, so write-backs are in flight when the worker dies.
    zendesk.latencyMs = 120;
    const ids = Array.from({ length: 40 }, (_, i) => 7000 + i);
    const decisions = openQueue(decisionsQueue, fleet.ctx);
    for (const id of ids) {
      zendesk.create(id);
      const ticket: Ticket = {
        id: `zendesk-${id}`,
        body: 'Please refund the duplicate charge.',
        receivedAt: new Date().toISOString(),
        metadata: { connector: 'zendesk', upstream_group_id: null, upstream_assignee_id: null },
      };
      await fleet.store.markQueued(ticket.id, ticket.receivedAt);
      await decisions.add(jobIdForTicket(ticket.id), { ticket, record: billingRecord() });
    }
    const first = spawnApp('escalation', env);
    children.push(first);
    const comments = () => ids.reduce((n, id) => n + (zendesk.tickets.get(id)?.comments.length ?? 0), 0);
    await waitFor(() => (comments() >= 8 ? true : undefined), 60_000, 'some write-backs');
    await kill(first, 'SIGKILL');
    const atKill = comments();
    expect(atKill).toBeLessThan(ids.length);
    children.push(spawnApp('escalation', env));
    await waitFor(
      async () => {
        const notes = await Promise.all(ids.map((id) => fleet.store.writeBackOf(`zendesk-${id}`)));
        return notes.every((n) => n?.outcome === 'written') ? true : undefined;
      },
      90_000,
      'every ticket written back',
    );
    for (const id of ids) expect(zendesk.tickets.get(id)?.comments, `ticket ${id}`).toHaveLength(1);
    expect(ids.every((id) => zendesk.tickets.get(id)?.group_id === 360001)).toBe(true);
    await decisions.close();
    await fleet.close();
  });
});

function billingRecord(): DecisionRecord {
  return {
    outcome: 'decided',
    tier: 'rule',
    model: null,
    promptVersion: null,
    decision: {
      category: 'billing',
      priority: 'medium',
      team: 'billing_support',
      confidence: 0.95,
      escalation_required: false,
      rationale: 'hotword refund',
    },
    raw: null,
    criticalKeyword: null,
    failureReasons: [],
    notes: [],
    attempts: [],
    totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    decidedAt: new Date().toISOString(),
  };
}
