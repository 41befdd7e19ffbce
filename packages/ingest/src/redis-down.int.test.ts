import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dropPrefix,
  freePort,
  startRedisServer,
  stopRedisServer,
  testLogger,
  uniquePrefix,
  waitFor,
} from '@switchboard/testkit';
import type { IngestServer } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'test-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };
/** Far above the 1 s Redis timeout the server is given: only a hang could get near it. */
const HANG_GUARD_MS = 5_000;

describe('ingest when Redis goes away', { timeout: 30_000 }, () => {
  let port: number;
  let url: string;
  let prefix: string;
  let redisProcess: ChildProcess | undefined;
  let tickets: IngestRig['tickets'];
  let app: IngestServer;
  let rig: IngestRig;

  beforeEach(async () => {
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    prefix = uniquePrefix('ingest-down');
    redisProcess = await startRedisServer(port);
    rig = await startIngestRig({
      redisUrl: url,
      prefix,
      apiKeys: [KEY],
      redisTimeoutMs: 1_000,
      logger: testLogger('ingest-down'),
    });
    ({ tickets, app } = rig);
  });

  afterEach(async () => {
    await rig.close();
    if (redisProcess && redisProcess.exitCode === null && redisProcess.signalCode === null)
      await dropPrefix(prefix, url);
    await stopRedisServer(redisProcess);
  });

  const timed = async <T>(p: Promise<T>): Promise<{ value: T; ms: number }> => {
    const start = Date.now();
    const value = await p;
    return { value, ms: Date.now() - start };
  };

  it('answers 503 at once, never 202, and /readyz 503, until Redis is back', async () => {
    const before = await app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: auth,
      payload: { id: 'D-1', body: 'stored while Redis is up' },
    });
    expect(before.statusCode).toBe(202);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    await stopRedisServer(redisProcess);

    for (const id of ['D-2', 'D-3']) {
      const { value: res, ms } = await timed(
        app.inject({
          method: 'POST',
          url: '/v1/tickets',
          headers: auth,
          payload: { id, body: 'sent while Redis is down' },
        }),
      );
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'storage_unavailable' });
      expect(ms).toBeLessThan(HANG_GUARD_MS);
    }

    const batch = await timed(
      app.inject({
        method: 'POST',
        url: '/v1/tickets/batch',
        headers: auth,
        payload: { tickets: [{ id: 'D-4', body: 'batch while down' }] },
      }),
    );
    expect(batch.value.statusCode).toBe(503);
    expect(batch.ms).toBeLessThan(HANG_GUARD_MS);

    const duplicate = await app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: auth,
      payload: { id: 'D-1', body: 'again' },
    });
    expect(duplicate.statusCode).toBe(503);

    const read = await timed(app.inject({ method: 'GET', url: '/v1/tickets/D-1', headers: auth }));
    expect(read.value.statusCode).toBe(503);
    expect(read.ms).toBeLessThan(HANG_GUARD_MS);

    const ready = await timed(app.inject({ method: 'GET', url: '/readyz' }));
    expect(ready.value.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(HANG_GUARD_MS);

    // The same ingest process heals once Redis is back: no restart of ingest needed.
    redisProcess = await startRedisServer(port);
    await waitFor(
      async () => ((await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200 ? true : undefined),
      15_000,
      'readyz after restart',
    );
    const after = await app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: auth,
      payload: { id: 'D-2', body: 'sent again once Redis is back' },
    });
    expect(after.statusCode).toBe(202);
    expect(after.json()).toMatchObject({ ticketId: 'D-2', duplicate: false });
    expect(await tickets.queue.getJob('t-D-2')).toBeDefined();
  });

  // A frozen Redis keeps the TCP connection open and never answers: only ingest's own deadline helps.
  it('answers 503 when Redis accepts connections but stops answering', async () => {
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/tickets',
          headers: auth,
          payload: { id: 'F-1', body: 'before the freeze' },
        })
      ).statusCode,
    ).toBe(202);
    redisProcess?.kill('SIGSTOP');
    try {
      const res = await timed(
        app.inject({
          method: 'POST',
          url: '/v1/tickets',
          headers: auth,
          payload: { id: 'F-2', body: 'during the freeze' },
        }),
      );
      expect(res.value.statusCode).toBe(503);
      expect(res.ms).toBeLessThan(HANG_GUARD_MS);
      const ready = await timed(app.inject({ method: 'GET', url: '/readyz' }));
      expect(ready.value.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(HANG_GUARD_MS);
    } finally {
      redisProcess?.kill('SIGCONT');
    }
  });
});
