import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import { signZammad, signZendesk } from '@switchboard/connectors';
import { teamDelivery, TicketLifecycle } from '@switchboard/lifecycle';
import { jobIdForTicket, openFleetContext } from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'ingest-key-0123456789abcdef';
const ZD_SECRET = 'zendesk-signing-secret-0123456789';
const ZM_SECRET = 'zammad-hmac-token-0123456789';
const ZD_GROUPS = { billing_support: 100, tech_support: 200, triage: 900 };

/** The README's Zendesk JSON body, as Zendesk renders it for one ticket. */
const zendeskEvent = (id: string, over: Record<string, string> = {}) => ({
  ticket: {
    id,
    subject: 'Charged twice',
    description: 'Please refund the second charge on my invoice.',
    requester_email: 'jane@example.com',
    channel: 'Email',
    language: 'English',
    group_id: '',
    assignee_id: '',
    priority: '-',
    status: 'New',
    tags: '',
    updated_by: '',
    ...over,
  },
});

describe('helpdesk webhooks', () => {
  const prefix = uniquePrefix('connector-routes');
  let rig: IngestRig;

  const postZendesk = (body: unknown, secret = ZD_SECRET, extra: Record<string, string> = {}) => {
    const payload = JSON.stringify(body);
    const ts = new Date().toISOString();
    return rig.app.inject({
      method: 'POST',
      url: '/v1/connectors/zendesk/events',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': signZendesk(secret, ts, payload),
        'x-zendesk-webhook-signature-timestamp': ts,
        ...extra,
      },
      payload,
    });
  };

  beforeAll(async () => {
    rig = await startIngestRig({
      prefix,
      apiKeys: [KEY],
      redisTimeoutMs: 5_000,
      server: (fleet) => ({
        pilot: { ledger: fleet.pilot, stage: () => Promise.resolve('shadow' as const) },
        connectors: {
          zendesk: { connector: 'zendesk', secret: ZD_SECRET, groups: ZD_GROUPS },
          zammad: { connector: 'zammad', secret: ZM_SECRET, groups: { billing_support: 11, triage: 19 } },
        },
      }),
    });
  });
  afterAll(async () => {
    await rig.close();
    await dropPrefix(prefix);
  });

  it('enqueues a created Zendesk ticket as ours: namespaced id, text, requester, without an API key', async () => {
    const res = await postZendesk(zendeskEvent('4711'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ ticketId: 'zendesk-4711', status: 'queued', duplicate: false });
    const job = await rig.tickets.queue.getJob(jobIdForTicket('zendesk-4711'));
    expect(job?.data).toMatchObject({
      ticket: {
        id: 'zendesk-4711',
        body: 'Please refund the second charge on my invoice.',
        customer: { email: 'jane@example.com' },
        channel: 'email',
        language: 'en',
      },
    });
    // Zendesk retries a webhook it thinks failed: the same ticket is one ticket.
    const count = await rig.tickets.queue.count();
    expect((await postZendesk(zendeskEvent('4711'))).statusCode).toBe(200);
    expect(await rig.tickets.queue.count()).toBe(count);
  });

  it('refuses a bad signature, a wrong secret or a stale timestamp, and enqueues nothing', async () => {
    const before = await rig.tickets.queue.count();
    expect((await postZendesk(zendeskEvent('4712'), 'not-the-secret-0123456789')).statusCode).toBe(401);
    const payload = JSON.stringify(zendeskEvent('4713'));
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const stale = await rig.app.inject({
      method: 'POST',
      url: '/v1/connectors/zendesk/events',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': signZendesk(ZD_SECRET, old, payload),
        'x-zendesk-webhook-signature-timestamp': old,
      },
      payload,
    });
    expect(stale.statusCode).toBe(401);
    expect(
      (await postZendesk(zendeskEvent('4714'), ZD_SECRET, { authorization: 'Bearer wrong-token' })).statusCode,
    ).toBe(401);
    expect(await rig.tickets.queue.count()).toBe(before);
    expect(await rig.fleet.store.status('zendesk-4712')).toBeUndefined();
    // With a valid bearer (an ingest API key) as well as the signature, it goes through.
    expect((await postZendesk(zendeskEvent('4715'), ZD_SECRET, { authorization: `Bearer ${KEY}` })).statusCode).toBe(
      202,
    );
  });

  it('answers a malformed payload with 400 naming the field', async () => {
    const res = await postZendesk({ ticket: { id: 'abc' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid_payload',
      message: expect.stringMatching(/ticket\.id/) as unknown,
    });
  });

  it('records a solved ticket as feedback that the pilot report counts', async () => {
    // The ticket came in through the webhook and ended in the pilot, routed to billing by the new router.
    expect((await postZendesk(zendeskEvent('4800'))).statusCode).toBe(202);
    const job = await rig.tickets.queue.getJob(jobIdForTicket('zendesk-4800'));
    const ticket = (job?.data as { ticket: Ticket } | undefined)?.ticket as Ticket;
    const record: DecisionRecord = {
      outcome: 'decided',
      tier: 'cheap',
      model: 'm',
      promptVersion: 'v1',
      decision: {
        category: 'billing',
        priority: 'medium',
        team: 'billing_support',
        confidence: 0.9,
        escalation_required: false,
        rationale: 'refund',
      },
      raw: null,
      criticalKeyword: null,
      failureReasons: [],
      notes: [],
      attempts: [],
      totals: { latencyMs: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 },
      decidedAt: new Date().toISOString(),
      pilot: {
        stage: 'shadow',
        deliveredBy: 'new',
        legacy: { category: 'billing', team: 'billing_support', matched: 'refund', latencyMs: 0 },
      },
    };
    // Escalation's side, on a worker connection of its own (ingest's producer connection fails fast).
    const worker = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 30,
    });
    const delivery = teamDelivery(worker.ctx, { webhookTeams: new Set() });
    const lifecycle = new TicketLifecycle({
      ctx: worker.ctx,
      store: worker.store,
      pilot: worker.pilot,
      delivery,
    });
    const route = { team: 'billing_support' as const, via: 'cheap' as const, escalated: false, reasons: [] };
    await lifecycle.decide(ticket, record);
    await lifecycle.claim(ticket.id, route);
    await lifecycle.finish({ ticket, record, route, routedAt: new Date().toISOString() });
    await lifecycle.close();
    await delivery.close();
    await worker.close();

    const report = async () =>
      (await rig.app.inject({ url: '/v1/pilot/report?days=1', headers: { authorization: `Bearer ${KEY}` } })).json<{
        withFeedback: number;
        routers: { new: { judged: number; teamCorrect: number } };
      }>();
    expect((await report()).withFeedback).toBe(0);
    // Our own write-back moving it to billing comes back as an update: not the agents' answer.
    const ours = await postZendesk(zendeskEvent('4800', { status: 'Open', group_id: '100' }));
    expect(ours.json()).toMatchObject({ ignored: 'group unchanged' });
    // The agents moved it to technical support and solved it there.
    const solved = await postZendesk(
      zendeskEvent('4800', { status: 'Solved', group_id: '200', priority: 'High', updated_by: '9001' }),
    );
    expect(solved.statusCode).toBe(200);
    expect(solved.json()).toMatchObject({
      why: 'closed',
      feedback: { team: 'tech_support', category: 'technical', priority: 'high', agent: '9001' },
    });
    const r = await report();
    expect(r.withFeedback).toBe(1);
    expect(r.routers.new).toMatchObject({ judged: 1, teamCorrect: 0 });
  });

  it('takes Zammad webhooks signed with X-Hub-Signature and refuses unsigned ones', async () => {
    const body = JSON.stringify({
      ticket: {
        id: 31,
        title: 'Cannot log in',
        group_id: 1,
        owner_id: 1,
        state: 'new',
        customer: { email: 'max@example.com' },
      },
      article: { body: 'Password reset does nothing.', content_type: 'text/plain' },
    });
    const post = (sig?: string) =>
      rig.app.inject({
        method: 'POST',
        url: '/v1/connectors/zammad/events',
        headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature': sig } : {}) },
        payload: body,
      });
    expect((await post()).statusCode).toBe(401);
    expect((await post(signZammad('wrong-token-0123456789', body))).statusCode).toBe(401);
    expect(await rig.fleet.store.status('zammad-31')).toBeUndefined();
    const ok = await post(signZammad(ZM_SECRET, body));
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ ticketId: 'zammad-31' });
  });

  it('keeps the connector namespace for the connectors: POST /v1/tickets may not use it', async () => {
    const res = await rig.app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      payload: { id: 'zendesk-99', body: 'write me back to someone else’s ticket' },
    });
    expect(res.statusCode).toBe(400);
    expect(await rig.fleet.store.status('zendesk-99')).toBeUndefined();
  });
});
