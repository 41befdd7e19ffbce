import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, uniquePrefix } from '@switchboard/testkit';
import type { IngestServer } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';
import { signUpstream } from './upstream-signature.js';

const KEY = 'sig-key-0123456789abcdef';
const SECRET = 'zendesk-signing-secret-123';
const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('signed upstream webhooks (Zendesk scheme)', () => {
  let prefix: string;
  let fleet: IngestRig['fleet'];
  let app: IngestServer;
  let rig: IngestRig;

  beforeAll(async () => {
    prefix = uniquePrefix('sig');
    rig = await startIngestRig({
      prefix,
      apiKeys: [KEY],
      redisTimeoutMs: 5_000,
      server: (f) => ({
        signature: {
          secrets: ['old-secret-being-rotated', SECRET],
          windowSeconds: 300,
          redis: f.redis,
          prefix,
          clock: () => NOW,
        },
      }),
    });
    ({ fleet, app } = rig);
  });
  afterAll(async () => {
    await rig.close();
    await dropPrefix(prefix);
  });

  const post = (raw: string, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/v1/tickets',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      payload: raw,
    });
  const signed = (raw: string, ts = String(NOW / 1000), secret = SECRET) => ({
    'x-zendesk-webhook-signature': signUpstream(secret, ts, raw),
    'x-zendesk-webhook-signature-timestamp': ts,
  });

  it('accepts a correctly signed ticket, with either secret during a rotation', async () => {
    const raw = JSON.stringify({ id: 'zd-1', body: 'Printer says paper jam' });
    expect((await post(raw, signed(raw))).statusCode).toBe(202);
    const other = JSON.stringify({ id: 'zd-2', body: 'Another one' });
    expect((await post(other, signed(other, String(NOW / 1000), 'old-secret-being-rotated'))).statusCode).toBe(202);
  });

  it('refuses a missing, wrong or body-mismatched signature, and an old or future timestamp', async () => {
    const raw = JSON.stringify({ id: 'zd-3', body: 'Hi' });
    expect((await post(raw, {})).statusCode).toBe(401);
    expect((await post(raw, signed(raw, String(NOW / 1000), 'wrong-secret'))).statusCode).toBe(401);
    expect((await post(JSON.stringify({ id: 'zd-3', body: 'Hi!' }), signed(raw))).statusCode).toBe(401);
    expect((await post(raw, signed(raw, String(NOW / 1000 - 301)))).statusCode).toBe(401);
    expect((await post(raw, signed(raw, String(NOW / 1000 + 301)))).statusCode).toBe(401);
    expect(await fleet.store.get('zd-3')).toBeUndefined();
  });

  it('refuses a replay of a request it already took', async () => {
    const raw = JSON.stringify({ id: 'zd-4', body: 'Once only' });
    const headers = signed(raw, String(NOW / 1000 - 10));
    expect((await post(raw, headers)).statusCode).toBe(202);
    const again = await post(raw, headers);
    expect(again.statusCode).toBe(401);
    expect(again.json<{ message: string }>().message).toContain('replay');
  });

  it('still refuses prototype poisoning with its own JSON parser', async () => {
    const raw = '{"__proto__": {"x": 1}, "id": "zd-5", "body": "hi"}';
    expect((await post(raw, signed(raw))).statusCode).toBe(400);
  });
});
