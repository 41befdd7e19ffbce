import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pooledFetch } from './pooled-fetch.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function serve(
  handle: (
    req: IncomingMessage,
    body: string,
  ) => { status: number; headers?: Record<string, string | string[]>; body?: string },
): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const out = handle(req, body);
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe('pooledFetch', () => {
  it('sends method, headers and body, and answers with a standard Response', async () => {
    const s = await serve((req, body) => ({
      status: 201,
      headers: {
        'content-type': 'application/json',
        'x-seen': `${req.method ?? ''} ${String(req.headers['x-api'])} ${body}`,
        'set-cookie': ['a=1', 'b=2'],
      },
      body: '{"ok":true}',
    }));
    const res = await pooledFetch()(`${s.url}/v1/x`, { method: 'POST', headers: [['x-api', 'k1']], body: '{"q":1}' });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-seen')).toBe('POST k1 {"q":1}');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('reuses its connections instead of opening one per call', async () => {
    const s = await serve(() => ({ status: 200, body: 'x' }));
    const f = pooledFetch();
    for (let i = 0; i < 20; i++) expect(await (await f(s.url, { method: 'POST', body: 'a' })).text()).toBe('x');
    // undici may open a second socket while the first is still being set up; never one per call.
    expect(s.connections()).toBeLessThanOrEqual(2);
  });

  it('gives a 204 a null body instead of failing to build the Response', async () => {
    const s = await serve(() => ({ status: 204 }));
    const res = await pooledFetch()(s.url);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('stops waiting when the caller aborts, with an AbortError the SDK reads as a timeout', async () => {
    const s = await serve(() => ({ status: 200, body: 'late' }));
    server?.removeAllListeners('request');
    server?.on('request', () => undefined);
    const err: unknown = await pooledFetch()(s.url, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: expect.stringMatching(/AbortError|TimeoutError/) as unknown });
  });
});
