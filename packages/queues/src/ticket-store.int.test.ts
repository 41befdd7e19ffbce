import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { TicketStore } from './ticket-store.js';
import { TrafficStats, type FinishedTicket } from './traffic-stats.js';
import { DecisionRecord } from '@switchboard/core';

describe('ticket store', () => {
  const prefix = uniquePrefix('store');
  const redis = new Redis(TEST_REDIS_URL);
  const store = new TicketStore(redis, prefix, 3600);
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('only moves a status forward, so a redelivered job cannot undo a routed ticket', async () => {
    await store.markQueued('s1', '2026-11-25T10:00:00.000Z');
    expect(await store.advance('s1', 'classifying')).toBe(true);
    expect(
      await store.advance('s1', 'routed', {
        route: JSON.stringify({ team: 'sales', via: 'cheap', escalated: false, reasons: [] }),
        finishedAt: '2026-11-25T10:00:02.000Z',
      }),
    ).toBe(true);
    expect(await store.advance('s1', 'classifying')).toBe(false);
    expect(await store.advance('s1', 'escalated')).toBe(false);
    await store.markQueued('s1', '2026-11-25T11:00:00.000Z');
    const view = await store.get('s1');
    expect(view).toMatchObject({
      status: 'routed',
      route: { team: 'sales' },
      timings: { receivedAt: '2026-11-25T10:00:00.000Z', totalMs: 2000 },
    });
  });

  it('keeps a record for the retention period, refreshed on every write', async () => {
    await store.markQueued('s2', new Date().toISOString());
    const ttl = await redis.ttl(store.key('s2'));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await store.get('unknown')).toBeUndefined();
  });

  it('starts classification in one call: a new ticket moves on, a decided or finished one is reported as found', async () => {
    await store.markQueued('s3', '2026-11-25T10:00:00.000Z');
    expect(await store.beginClassifying('s3', { classificationStartedAt: '2026-11-25T10:00:01.000Z' })).toEqual({
      status: 'queued',
      decision: undefined,
    });
    expect(await store.get('s3')).toMatchObject({
      status: 'classifying',
      timings: { classificationStartedAt: '2026-11-25T10:00:01.000Z' },
    });
    // A redelivered job that finds no decision starts again.
    expect(await store.beginClassifying('s3', { classificationStartedAt: '2026-11-25T10:05:00.000Z' })).toEqual({
      status: 'classifying',
      decision: undefined,
    });
    await store.advance('s3', 'classifying', { decision: '{"d":1}' });
    expect(await store.beginClassifying('s3', { classificationStartedAt: '2026-11-25T10:09:00.000Z' })).toEqual({
      status: 'classifying',
      decision: '{"d":1}',
    });
    expect(await redis.hget(store.key('s3'), 'classificationStartedAt')).toBe('2026-11-25T10:05:00.000Z');
    await store.advance('s3', 'routed');
    expect(await store.beginClassifying('s3', {})).toEqual({ status: 'routed', decision: '{"d":1}' });
    expect(await store.status('s3')).toBe('routed');
  });

  it('keeps the first route claimed and reports the status with it', async () => {
    await store.markQueued('s4', '2026-11-25T10:00:00.000Z');
    expect(await store.claimRoute('s4', '{"team":"sales"}')).toEqual({ route: '{"team":"sales"}', status: 'queued' });
    expect(await store.claimRoute('s4', '{"team":"billing"}')).toEqual({ route: '{"team":"sales"}', status: 'queued' });
    await store.advance('s4', 'routed');
    expect(await store.claimRoute('s4', '{"team":"billing"}')).toEqual({ route: '{"team":"sales"}', status: 'routed' });
  });

  it('sends scripts by hash once Redis has them, and loads them again after SCRIPT FLUSH', async () => {
    await redis.script('FLUSH');
    await store.markQueued('s5', '2026-11-25T10:00:00.000Z');
    expect(await store.advance('s5', 'classifying')).toBe(true);
    expect(await store.status('s5')).toBe('classifying');
  });

  it('finishes a ticket and counts it in the same call, once, however often the decision comes back', async () => {
    const stats = new TrafficStats(redis, prefix);
    const at = new Date('2026-11-25T10:00:03.000Z');
    const record = DecisionRecord.parse({
      outcome: 'decided',
      tier: 'cheap',
      model: 'gpt-4o-mini',
      promptVersion: 'v1',
      decision: {
        category: 'billing',
        priority: 'low',
        team: 'billing_support',
        confidence: 0.9,
        escalation_required: false,
        rationale: 'r',
      },
      raw: null,
      criticalKeyword: null,
      failureReasons: [],
      notes: [],
      attempts: [],
      totals: { latencyMs: 1, promptTokens: 1, completionTokens: 1, costUsd: 0 },
      decidedAt: at.toISOString(),
    });
    const finished: FinishedTicket = {
      language: 'en',
      record,
      route: { team: 'billing_support', via: 'cheap', escalated: false, reasons: [] },
      routedAt: at,
    };
    await store.markQueued('s6', '2026-11-25T10:00:00.000Z');
    expect(await store.finish('s6', 'routed', { finishedAt: at.toISOString() }, stats.incrementFor(finished))).toBe(
      true,
    );
    expect(await store.finish('s6', 'routed', { finishedAt: at.toISOString() }, stats.incrementFor(finished))).toBe(
      false,
    );
    expect(await store.get('s6')).toMatchObject({ status: 'routed', timings: { finishedAt: at.toISOString() } });
    const day = await stats.range(new Date('2026-11-25T00:00:00.000Z'), new Date('2026-11-26T00:00:00.000Z'));
    expect(day.total).toMatchObject({ tickets: 1, 'via:cheap': 1, 'category:billing': 1, 'lang:en': 1 });
  });
});
