import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, stopRedisServer } from '@switchboard/testkit';
import type { IngestServer } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'oom-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };

describe('Redis out of memory (maxmemory with noeviction)', { timeout: 60_000 }, () => {
  let redis: ChildProcess;
  let port: number;
  let app: IngestServer;
  let rig: IngestRig;
  let filler: Redis;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port, ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction']);
    const url = `redis://127.0.0.1:${port}`;
    rig = await startIngestRig({ redisUrl: url, prefix: 'oom', apiKeys: [KEY], redisTimeoutMs: 2_000 });
    ({ app } = rig);
    filler = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await rig.close();
    filler.disconnect();
    await stopRedisServer(redis);
  });

  it('answers 503 (never 202) while Redis refuses writes, and a stored ticket stays whole', async () => {
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/tickets',
          headers: auth,
          payload: { id: 'M-1', body: 'stored before memory ran out' },
        })
      ).statusCode,
    ).toBe(202);
    // Fill Redis with small values until it refuses writes, as a burst with no consumer would. (A
    // big value would be refused for its own query buffer and leave memory below the limit.)
    let full = false;
    for (let i = 0; i < 100_000 && !full; i += 200) {
      const p = filler.pipeline();
      for (let j = 0; j < 200; j++) p.set(`ballast:${i + j}`, 'x'.repeat(512));
      const res = (await p.exec()) ?? [];
      full = res.some(([err]) => err !== null && /OOM/.test(err.message));
    }
    expect(full).toBe(true);

    const refused = await app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: auth,
      payload: { id: 'M-2', body: 'arrives while Redis is full' },
    });
    expect(refused.statusCode).toBe(503);
    const batch = await app.inject({
      method: 'POST',
      url: '/v1/tickets/batch',
      headers: auth,
      payload: { tickets: [{ id: 'M-3', body: 'also refused' }] },
    });
    expect(batch.statusCode).toBe(503);
    // Nothing half-written: the refused tickets are unknown, the stored one reads back whole.
    const known = await app.inject({ method: 'GET', url: '/v1/tickets/M-1', headers: auth });
    expect(known.json()).toMatchObject({ ticketId: 'M-1', status: 'queued' });
    expect((await app.inject({ method: 'GET', url: '/v1/tickets/M-2', headers: auth })).statusCode).toBe(404);

    // Once memory is freed, the refused ticket is accepted on retry with the same id.
    await filler.eval("for _, k in ipairs(redis.call('KEYS', 'ballast:*')) do redis.call('DEL', k) end return 1", 0);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/tickets',
          headers: auth,
          payload: { id: 'M-2', body: 'arrives while Redis is full' },
        })
      ).statusCode,
    ).toBe(202);
  });
});
