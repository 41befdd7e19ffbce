import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '@switchboard/core';
import { jobIdForTicket, type TicketJob } from '@switchboard/queues';
import { dropPrefix, testLogger, uniquePrefix } from '@switchboard/testkit';
import { MAX_BATCH } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'test-key-0123456789abcdef';
const OTHER_KEY = 'other-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };

type Harness = IngestRig & { prefix: string };

const ticket = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  subject: 'Invoice question',
  body: 'I was charged twice for my subscription this month.',
  customer: { id: 'c-1', email: 'jane@example.com', tier: 'pro' },
  ...extra,
});

describe('ingest HTTP API', { timeout: 30_000 }, () => {
  let h: Harness;

  beforeEach(async () => {
    const prefix = uniquePrefix('ingest');
    const rig = await startIngestRig({
      prefix,
      apiKeys: [KEY, OTHER_KEY],
      redisTimeoutMs: 3_000,
      logger: testLogger('ingest'),
    });
    h = { prefix, ...rig };
  });

  afterEach(async () => {
    await h.close();
    await dropPrefix(h.prefix);
  });

  const jobCount = async (): Promise<number> => {
    const counts = await h.tickets.queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'completed',
      'failed',
    );
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };

  const post = (payload: unknown, headers: Record<string, string> = auth, url = '/v1/tickets') =>
    h.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

  describe('auth', () => {
    it('serves /healthz without a key', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('answers 401 without an Authorization header and enqueues nothing', async () => {
      const res = await post(ticket('no-auth'), {});
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
      expect(await jobCount()).toBe(0);
    });

    it('answers 401 for a wrong key, and for a right key sent without the Bearer scheme', async () => {
      const wrong = await post(ticket('wrong-key'), { authorization: 'Bearer not-a-configured-key' });
      expect(wrong.statusCode).toBe(401);
      const noScheme = await post(ticket('wrong-key'), { authorization: KEY });
      expect(noScheme.statusCode).toBe(401);
      expect(await jobCount()).toBe(0);
    });

    it('accepts any of the configured keys', async () => {
      expect((await post(ticket('k-1'))).statusCode).toBe(202);
      expect((await post(ticket('k-2'), { authorization: `Bearer ${OTHER_KEY}` })).statusCode).toBe(202);
      expect(await jobCount()).toBe(2);
    });

    it('answers 401, not 404, to an unauthenticated caller probing unknown paths', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/v2/secret' });
      expect(res.statusCode).toBe(401);
    });

    it('guards the read endpoint too', async () => {
      await post(ticket('read-guard'));
      const res = await h.app.inject({ method: 'GET', url: '/v1/tickets/read-guard' });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('read-guard');
    });

    // The router decodes percent-escapes, so a check on the raw URL alone would let `/%761/...` through.
    it('cannot be bypassed with a percent-encoded path', async () => {
      const res = await post(ticket('encoded-path'), {}, '/%761/tickets');
      expect(res.statusCode).not.toBe(202);
      expect([401, 404]).toContain(res.statusCode);
      const read = await h.app.inject({ method: 'GET', url: '/%761/tickets/encoded-path' });
      expect([401, 404]).toContain(read.statusCode);
      expect(await jobCount()).toBe(0);
    });
  });

  describe('single ticket', () => {
    it('answers 202 once the job is in Redis, carrying the ticket as sent', async () => {
      const res = await post(ticket('T-100'));
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ ticketId: 'T-100', status: 'queued', duplicate: false });
      const job = await h.tickets.queue.getJob(jobIdForTicket('T-100'));
      const data = job?.data as TicketJob | undefined;
      expect(data?.ticket).toMatchObject({
        id: 'T-100',
        body: 'I was charged twice for my subscription this month.',
        customer: { email: 'jane@example.com' },
      });
      expect(Number.isNaN(Date.parse(data?.ticket.receivedAt ?? ''))).toBe(false);
    });

    it('answers 400 with a readable message for invalid JSON', async () => {
      const res = await post('{"id": "T-1", "body": ', { ...auth, 'content-type': 'application/json' });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: string; message: string }>();
      expect(body.error).toBe('invalid_json');
      expect(body.message).toMatch(/not valid JSON/);
      expect(await jobCount()).toBe(0);
    });

    it('answers 415 for a body that is not sent as JSON', async () => {
      const res = await post('id=T-1&body=hello', { ...auth, 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.statusCode).toBe(415);
      expect(await jobCount()).toBe(0);
    });

    it.each([
      ['a missing body', { id: 'T-1', subject: 'hi' }, 'body'],
      ['an empty body', { id: 'T-1', body: '' }, 'body'],
      ['an id with a colon', { id: 'bad:id', body: 'hello' }, 'id'],
      ['an id over 128 characters', { id: 'x'.repeat(129), body: 'hello' }, 'id'],
      [
        'a malformed customer e-mail',
        { id: 'T-1', body: 'hello', customer: { email: 'not-an-email' } },
        'customer.email',
      ],
    ])('answers 400 naming the field for %s', async (_label, payload, field) => {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: string; message: string }>();
      expect(body.error).toBe('invalid_ticket');
      expect(body.message.startsWith(`${field}:`) || body.message.includes(`; ${field}:`)).toBe(true);
      expect(await jobCount()).toBe(0);
    });

    it('rejects an unknown top-level field and names it', async () => {
      const res = await post(ticket('T-typo', { priorty: 'high' }));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toContain('priorty');
      expect(await jobCount()).toBe(0);
    });

    it('answers 413 when the body is over 32 KiB, counted in bytes, not characters', async () => {
      const ascii = await post(ticket('T-big', { body: 'a'.repeat(MAX_BODY_BYTES + 1) }));
      expect(ascii.statusCode).toBe(413);
      expect(ascii.json<{ message: string }>().message).toMatch(/^body:/);
      // 16 385 two-byte characters: under 32 Ki characters, over 32 KiB.
      const multibyte = await post(ticket('T-big-utf8', { body: 'é'.repeat(MAX_BODY_BYTES / 2 + 1) }));
      expect(multibyte.statusCode).toBe(413);
      expect(await jobCount()).toBe(0);
    });

    it('accepts a body of exactly 32 KiB', async () => {
      const res = await post(ticket('T-max', { body: 'a'.repeat(MAX_BODY_BYTES) }));
      expect(res.statusCode).toBe(202);
    });

    it('answers 413 for a request far over the HTTP body limit', async () => {
      const res = await post(ticket('T-huge', { body: 'a'.repeat(512 * 1024) }));
      expect(res.statusCode).toBe(413);
      expect(await jobCount()).toBe(0);
    });

    it('treats the same id twice as one ticket: the second answers the existing status and enqueues nothing', async () => {
      const first = await post(ticket('T-dup'));
      expect(first.statusCode).toBe(202);
      const second = await post(ticket('T-dup', { body: 'A different text under the same id.' }));
      expect(second.statusCode).toBe(200);
      expect(second.json()).toEqual({ ticketId: 'T-dup', status: 'queued', duplicate: true });
      expect(await jobCount()).toBe(1);
      const job = await h.tickets.queue.getJob(jobIdForTicket('T-dup'));
      expect((job?.data as TicketJob | undefined)?.ticket.body).toBe(
        'I was charged twice for my subscription this month.',
      );
    });

    it('answers a duplicate with the status the pipeline has reached since', async () => {
      await post(ticket('T-later'));
      await h.fleet.store.advance('T-later', 'routed', { finishedAt: new Date().toISOString() });
      const again = await post(ticket('T-later'));
      expect(again.json()).toEqual({ ticketId: 'T-later', status: 'routed', duplicate: true });
      expect(await jobCount()).toBe(1);
    });

    it('enqueues one job when the same id arrives concurrently', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(ticket('T-race'))));
      // Exactly one caller is told it created the ticket; the others learn it was a duplicate.
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 202]);
      expect(answers.filter((a) => a.json<{ duplicate: boolean }>().duplicate)).toHaveLength(4);
      expect(await jobCount()).toBe(1);
    });
  });

  describe('batch', () => {
    it('answers per ticket: valid ones enqueued, invalid ones reported by field, repeated ids one job', async () => {
      const res = await post(
        {
          tickets: [
            ticket('B-1'),
            { id: 'B-2', subject: 'no body' },
            ticket('B-3'),
            ticket('B-1', { body: 'same id again in the same batch' }),
            ticket('B-4', { customer: { email: 'nope' } }),
            ticket('B-5', { body: 'x'.repeat(MAX_BODY_BYTES + 1) }),
          ],
        },
        auth,
        '/v1/tickets/batch',
      );
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        accepted: number;
        duplicates: number;
        rejected: number;
        results: {
          index: number;
          ticketId?: string;
          accepted: boolean;
          duplicate?: boolean;
          status?: string;
          error?: string;
          message?: string;
        }[];
      }>();
      expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 3 });
      expect(body.results).toHaveLength(6);
      expect(body.results[0]).toMatchObject({
        index: 0,
        ticketId: 'B-1',
        accepted: true,
        duplicate: false,
        status: 'queued',
      });
      expect(body.results[1]).toMatchObject({ index: 1, ticketId: 'B-2', accepted: false, error: 'invalid_ticket' });
      expect(body.results[1]?.message).toContain('tickets.1.body');
      expect(body.results[2]).toMatchObject({ index: 2, ticketId: 'B-3', accepted: true });
      expect(body.results[3]).toMatchObject({
        index: 3,
        ticketId: 'B-1',
        accepted: false,
        duplicate: true,
        status: 'queued',
      });
      expect(body.results[4]).toMatchObject({ index: 4, ticketId: 'B-4', accepted: false, error: 'invalid_ticket' });
      expect(body.results[4]?.message).toContain('tickets.4.customer.email');
      expect(body.results[5]).toMatchObject({ index: 5, ticketId: 'B-5', accepted: false, error: 'too_large' });

      expect(await jobCount()).toBe(2);
      const first = await h.tickets.queue.getJob(jobIdForTicket('B-1'));
      expect((first?.data as TicketJob | undefined)?.ticket.body).toBe(
        'I was charged twice for my subscription this month.',
      );
      expect(await h.tickets.queue.getJob(jobIdForTicket('B-3'))).toBeDefined();
      expect(await h.tickets.queue.getJob(jobIdForTicket('B-2'))).toBeUndefined();
      expect(await h.tickets.queue.getJob(jobIdForTicket('B-4'))).toBeUndefined();
    });

    it('reports tickets already known from an earlier request as duplicates', async () => {
      await post(ticket('B-known'));
      const res = await post({ tickets: [ticket('B-known'), ticket('B-new')] }, auth, '/v1/tickets/batch');
      expect(res.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 0 });
      expect(await jobCount()).toBe(2);
    });

    it(`answers 413 for more than ${MAX_BATCH} tickets and enqueues none of them`, async () => {
      const tickets = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ id: `over-${i}`, body: 'hi' }));
      const res = await post({ tickets }, auth, '/v1/tickets/batch');
      expect(res.statusCode).toBe(413);
      expect(res.json<{ message: string }>().message).toContain(String(MAX_BATCH));
      expect(await jobCount()).toBe(0);
    });

    it(`accepts exactly ${MAX_BATCH} tickets`, async () => {
      const tickets = Array.from({ length: MAX_BATCH }, (_, i) => ({ id: `full-${i}`, body: 'hi' }));
      const res = await post({ tickets }, auth, '/v1/tickets/batch');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: MAX_BATCH, rejected: 0 });
      expect(await jobCount()).toBe(MAX_BATCH);
    });

    it('answers 400 when tickets is not a non-empty array', async () => {
      expect((await post({ ticket: [] }, auth, '/v1/tickets/batch')).json()).toMatchObject({ error: 'invalid_batch' });
      expect((await post({ tickets: [] }, auth, '/v1/tickets/batch')).statusCode).toBe(400);
    });
  });

  describe('reading a ticket', () => {
    it('answers 404 for an unknown id', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/v1/tickets/never-sent', headers: auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    });

    it('answers the record of a queued ticket with when it was received', async () => {
      const before = Date.now();
      await post(ticket('R-1'));
      const res = await h.app.inject({ method: 'GET', url: '/v1/tickets/R-1', headers: auth });
      expect(res.statusCode).toBe(200);
      const view = res.json<{ ticketId: string; status: string; timings: { receivedAt: string } }>();
      expect(view).toMatchObject({ ticketId: 'R-1', status: 'queued' });
      const received = Date.parse(view.timings.receivedAt);
      expect(received).toBeGreaterThanOrEqual(before - 1_000);
      expect(received).toBeLessThanOrEqual(Date.now() + 1_000);
    });

    it('does not echo the ticket text or customer data', async () => {
      await post(ticket('R-private'));
      const res = await h.app.inject({ method: 'GET', url: '/v1/tickets/R-private', headers: auth });
      expect(res.body).not.toContain('jane@example.com');
    });
  });

  it('/readyz answers 200 while Redis answers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('works over real HTTP on loopback', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    const created = await fetch(`${base}/v1/tickets`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(ticket('H-1')),
    });
    expect(created.status).toBe(202);
    expect(await created.json()).toEqual({ ticketId: 'H-1', status: 'queued', duplicate: false });

    const read = await fetch(`${base}/v1/tickets/H-1`, { headers: auth });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ ticketId: 'H-1', status: 'queued' });

    const unauthorized = await fetch(`${base}/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ticket('H-2')),
    });
    expect(unauthorized.status).toBe(401);
    await unauthorized.body?.cancel();
    const encoded = await fetch(`${base}/%761/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ticket('H-3')),
    });
    expect(encoded.status).toBe(401);
    await encoded.body?.cancel();
    expect(await jobCount()).toBe(1);
  });

  it('answers 500, not "retry later", when a stored record is unreadable (a bug, not an outage)', async () => {
    await h.fleet.redis.hset(h.fleet.store.key('corrupt'), 'status', 'no-such-status', 'receivedAt', 'yesterday');
    const res = await h.app.inject({ method: 'GET', url: '/v1/tickets/corrupt', headers: auth });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: 'internal_error' });
  });
});
