import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer, taken by the next request (in order) before it reaches the product's logic. */
export type Fault =
  /** 429 with `Retry-After: seconds`, as both products document for their rate limits. */
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  /** A bare status, such as 500 or 503 (a helpdesk outage). */
  | { kind: 'status'; status: number }
  /** Answer normally, but only after `ms` (a slow helpdesk; longer than the client's timeout is a timeout). */
  | { kind: 'slow'; ms: number }
  /** This status and body instead of the product's own (a proxy, or a base URL that points at something else). */
  | { kind: 'answer'; status: number; body: unknown }
  /** Never answered; applied only when `releaseHeld` is called (a write the product applies after the client gave up). */
  | { kind: 'held' };

export interface HelpdeskRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface FakeHelpdeskControl {
  url: string;
  /** Every request, with the status it got, in arrival order. */
  requests: HelpdeskRequest[];
  /** Queue faults for the next requests. */
  fault(...faults: Fault[]): void;
  /** Answer every request with 429 (Retry-After: the seconds left) until `untilMs` (epoch ms). */
  rateLimitUntil(untilMs: number): void;
  /** Applies every request a `held` fault kept back, in arrival order, at once (their answers go nowhere). */
  releaseHeld(): number;
  /** Every answer waits this long (0: none). */
  latencyMs: number;
  close(): Promise<void>;
}

export type Route = (
  req: { method: string; path: string; query: URLSearchParams; body: unknown },
  reply: (status: number, body: unknown) => void,
) => void;

/**
 * A loopback HTTP server that checks auth, applies scripted faults (429 with Retry-After, 5xx, slow
 * answers) and then hands the request to the product's route. Used by the Zendesk and Zammad fakes.
 */
export async function startFakeHelpdesk(opts: {
  authorized: (authorization: string | undefined) => boolean;
  unauthorized: unknown;
  route: Route;
}): Promise<FakeHelpdeskControl> {
  const requests: HelpdeskRequest[] = [];
  const faults: Fault[] = [];
  let limitedUntil = 0;
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  const control: FakeHelpdeskControl = {
    url: '',
    requests,
    latencyMs: 0,
    fault: (...f) => {
      faults.push(...f);
    },
    rateLimitUntil: (until) => {
      limitedUntil = until;
    },
    releaseHeld: () => {
      const now = held.splice(0);
      for (const apply of now) apply();
      return now.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const entry: HelpdeskRequest = { method, path: url.pathname, status: 0, at: Date.now() };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (!opts.authorized(req.headers.authorization)) return send(401, opts.unauthorized);
    const now = Date.now();
    if (now < limitedUntil) {
      return send(429, { error: 'TooManyRequests' }, { 'retry-after': String(Math.ceil((limitedUntil - now) / 1000)) });
    }
    const fault = faults.shift();
    if (fault?.kind === 'rate-limit')
      return send(429, { error: 'TooManyRequests' }, { 'retry-after': String(fault.retryAfterSeconds) });
    if (fault?.kind === 'status') return send(fault.status, { error: 'fake outage' });
    if (fault?.kind === 'answer') return send(fault.status, fault.body);
    const apply = (): void => {
      let body: unknown;
      try {
        body = raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        return send(400, { error: 'invalid JSON' });
      }
      opts.route({ method, path: url.pathname, query: url.searchParams, body }, send);
    };
    if (fault?.kind === 'held') {
      held.push(apply);
      return;
    }
    const wait = (fault?.kind === 'slow' ? fault.ms : 0) + control.latencyMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    apply();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  control.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return control;
}

/** Second-precision timestamps that always move forward, as a ticket's `updated_at` does. */
export function ticketClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Math.floor(Date.now() / 1000) * 1000, last + 1000);
    return new Date(last).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };
}
