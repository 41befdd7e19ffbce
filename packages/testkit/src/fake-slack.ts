import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SlackCall {
  method: string;
  /** Form fields or JSON body, as the SDK sent them. */
  params: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeSlack {
  /** Give this to the SDK as `slackApiUrl`. */
  apiUrl: string;
  calls: SlackCall[];
  /** Answer the next calls with this HTTP status (e.g. 503 while "Slack is down"); null for normal. */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

/** A loopback HTTP server speaking enough of Slack's Web API for chat.postMessage, recording every call. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  let failing: number | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const params: Record<string, unknown> = (req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(raw || '{}') as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
      if (failing !== null) {
        res.writeHead(failing, { 'content-type': 'application/json' }).end('{"ok":false,"error":"fake_outage"}');
        return;
      }
      calls.push({ method, params, authorization: req.headers.authorization });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, channel: params.channel, ts: `${Date.now() / 1000}` }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    failWith: (s) => {
      failing = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
