import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { TicketStore } from './ticket-store.js';

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
    expect(await store.advance('s1', 'routed', { route: JSON.stringify({ team: 'sales', via: 'cheap', escalated: false, reasons: [] }), finishedAt: '2026-11-25T10:00:02.000Z' })).toBe(true);
    expect(await store.advance('s1', 'classifying')).toBe(false);
    expect(await store.advance('s1', 'escalated')).toBe(false);
    await store.markQueued('s1', '2026-11-25T11:00:00.000Z');
    const view = await store.get('s1');
    expect(view).toMatchObject({ status: 'routed', route: { team: 'sales' }, timings: { receivedAt: '2026-11-25T10:00:00.000Z', totalMs: 2000 } });
  });

  it('keeps a record for the retention period, refreshed on every write', async () => {
    await store.markQueued('s2', new Date().toISOString());
    const ttl = await redis.ttl(store.key('s2'));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await store.get('unknown')).toBeUndefined();
  });
});
