import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForTicket, RoutedTicket, teamQueue } from '@switchboard/queues';
import { basic, CRITICAL, startDeskRig, UNSURE, type DeskRig } from './testing/desk-rig.js';

describe('review desk JSON API', () => {
  let rig: DeskRig;
  const api = (method: 'GET' | 'POST', path: string, user: 'ana' | 'ben' | 'vic' = 'ana', payload?: object) =>
    rig.app.inject({
      method,
      url: `/api${path}`,
      headers: { authorization: basic(user), ...(payload ? { 'content-type': 'application/json' } : {}) },
      payload: payload ? JSON.stringify(payload) : undefined,
    });

  beforeAll(async () => {
    rig = await startDeskRig({ leaseMs: 1_500 });
  });
  afterAll(() => rig.close());

  it('lists what escalation sent, highest priority first, with suggestion, reasons and waiting time', async () => {
    const res = await api('GET', '/queue');
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{
      items: { ticketId: string; priority: string; reasons: string[]; slaBreached: boolean; suggestion: unknown }[];
    }>();
    expect(items.map((i) => i.ticketId)).toEqual([CRITICAL.ticket.id, UNSURE.ticket.id]);
    expect(items[0]).toMatchObject({ priority: 'high', reasons: ['critical_keyword:urgent'], suggestion: null });
    expect(items[1]).toMatchObject({
      priority: 'medium',
      reasons: ['low_confidence'],
      suggestion: { category: 'cancellation', team: 'account_ops' },
    });
  });

  it('needs a reviewer: no credentials is 401, a viewer is 403', async () => {
    expect((await rig.app.inject({ url: '/api/queue' })).statusCode).toBe(401);
    expect((await api('GET', '/queue', 'vic')).statusCode).toBe(403);
  });

  it('one claim per ticket: a second reviewer is refused, and nobody resolves without a claim', async () => {
    expect((await api('POST', `/tickets/${UNSURE.ticket.id}/claim`, 'ana')).statusCode).toBe(200);
    const second = await api('POST', `/tickets/${UNSURE.ticket.id}/claim`, 'ben');
    expect(second.statusCode).toBe(409);
    const refusal = second.json<{ error: string; message: string }>();
    expect(refusal.error).toBe('claimed_by_other');
    expect(refusal.message).toContain('ana is working on this ticket');
    const noClaim = await api('POST', `/tickets/${CRITICAL.ticket.id}/resolve`, 'ben', {
      category: 'bug',
      team: 'core_eng',
      priority: 'high',
    });
    expect(noClaim.statusCode).toBe(409);
    expect(
      (
        await api('POST', `/tickets/${UNSURE.ticket.id}/resolve`, 'ana', {
          category: 'finance',
          team: 'x',
          priority: 'high',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('resolving delivers to the corrected team, records ground truth and takes the ticket off the list', async () => {
    const res = await api('POST', `/tickets/${UNSURE.ticket.id}/resolve`, 'ana', {
      category: 'billing',
      team: 'billing_support',
      priority: 'high',
      note: 'charge after closing',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ category: 'billing', reviewer: 'ana', changed: true });

    const billing = new Queue(teamQueue('billing_support').queueName, {
      connection: rig.fleet.redis,
      prefix: rig.prefix,
    });
    const delivered = RoutedTicket.parse((await billing.getJob(jobIdForTicket(UNSURE.ticket.id)))?.data);
    await billing.close();
    expect(delivered.route).toMatchObject({
      team: 'billing_support',
      via: 'human',
      escalated: true,
      reasons: ['low_confidence'],
    });
    expect(delivered.record.decision?.category).toBe('cancellation');

    expect(await rig.humanReview.getJob(jobIdForTicket(UNSURE.ticket.id))).toBeUndefined();
    expect((await api('GET', '/queue')).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await rig.fleet.store.get(UNSURE.ticket.id))?.resolution).toMatchObject({
      category: 'billing',
      team: 'billing_support',
      reviewer: 'ana',
      changed: true,
    });
    // The resolution is the ticket's feedback too: the pilot's ground truth.
    const feedback = await rig.fleet.redis.hget(rig.fleet.store.key(UNSURE.ticket.id), 'feedback');
    expect(JSON.parse(feedback ?? '{}')).toMatchObject({
      category: 'billing',
      team: 'billing_support',
      priority: 'high',
      source: 'review_desk',
      agent: 'ana',
    });

    expect((await api('GET', '/accuracy')).json()).toEqual({
      byTier: [{ key: 'cheap', reviewed: 1, machineRight: 0, accuracy: 0 }],
      byCategory: [{ key: 'billing', reviewed: 1, machineRight: 0, accuracy: 0 }],
    });
    const candidates = (await api('GET', '/candidates')).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({
      id: `rev-${UNSURE.ticket.id}`,
      body: UNSURE.ticket.body,
      expected: { category: 'billing', priority: 'high', team: 'billing_support', escalation: true },
      tags: ['from_review'],
    });
    const day = new Date().toISOString().slice(0, 10);
    expect(await rig.fleet.redis.hmget(`${rig.prefix}:stats:day:${day}`, 'human:resolved', 'human:override')).toEqual([
      '1',
      '1',
    ]);

    const again = await api('POST', `/tickets/${UNSURE.ticket.id}/resolve`, 'ana', {
      category: 'billing',
      team: 'billing_support',
      priority: 'high',
    });
    expect(again.statusCode).toBe(409);
    const { body } = await rig.metrics.exposition();
    expect(body).toContain('switchboard_review_resolutions_total{changed="true",app="review-desk"} 1');
    expect(body).toContain('switchboard_review_actions_total{action="claim",app="review-desk"} 1');
    expect(body).toContain('switchboard_review_waiting_tickets{app="review-desk"} 1');
  });

  it('an expired lease hands the ticket back: another reviewer can claim it', async () => {
    expect((await api('POST', `/tickets/${CRITICAL.ticket.id}/claim`, 'ben')).statusCode).toBe(200);
    expect((await api('POST', `/tickets/${CRITICAL.ticket.id}/claim`, 'ana')).statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 1_700));
    expect((await api('POST', `/tickets/${CRITICAL.ticket.id}/renew`, 'ben')).statusCode).toBe(409);
    expect((await api('POST', `/tickets/${CRITICAL.ticket.id}/claim`, 'ana')).statusCode).toBe(200);
    expect((await api('POST', `/tickets/${CRITICAL.ticket.id}/release`, 'ana')).statusCode).toBe(200);
    expect((await api('GET', '/queue')).json<{ items: { claim: unknown }[] }>().items[0]?.claim).toBeNull();
  });
});

describe('review desk after an outage: more waiting than one page', () => {
  let rig: DeskRig;
  beforeAll(async () => {
    rig = await startDeskRig({ listLimit: 1 });
  });
  afterAll(() => rig.close());

  it('lists the most urgent ticket, and reports every waiting ticket in the total and the gauge', async () => {
    const res = await rig.app.inject({ method: 'GET', url: '/api/queue', headers: { authorization: basic('ana') } });
    const body = res.json<{ total: number; items: { ticketId: string }[] }>();
    expect(body.items.map((i) => i.ticketId)).toEqual([CRITICAL.ticket.id]);
    expect(body.total).toBe(2);
    const gauge = await rig.metrics.registry.getSingleMetric('switchboard_review_waiting_tickets')?.get();
    expect(gauge?.values[0]?.value).toBe(2);
  });
});
