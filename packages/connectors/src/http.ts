import type { z } from 'zod';

/**
 * How a helpdesk's answer is classified, once, for both connectors: the write-back worker turns each
 * class into its own BullMQ outcome (hold the queue, back off, give up at once).
 */

/** 429: the helpdesk says how long to hold every delivery to it (Retry-After); no attempt is spent. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
  }
}

/** 5xx, a timeout or a lost connection: worth retrying with backoff. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/**
 * Any other 4xx (bad credentials, no such ticket, a refused field), or a success whose body is not the
 * shape the product documents (a base URL pointing at something else, an API change): retrying cannot help.
 */
export class RejectedError extends Error {
  override name = 'RejectedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 409 on a safe update: someone changed the ticket after we read it. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** Holds are bounded: a Retry-After of hours (or garbage) must not park the connector for that long unseen. */
const MAX_HOLD_MS = 15 * 60_000;
const DEFAULT_HOLD_MS = 10_000;

/** `Retry-After` as seconds or an HTTP date (RFC 9110), in ms from `now`. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return DEFAULT_HOLD_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return DEFAULT_HOLD_MS;
  return Math.min(MAX_HOLD_MS, Math.max(1_000, Math.ceil(ms)));
}

export interface HelpdeskRequest {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  body?: unknown;
}

/** A helpdesk's REST API as the write-back uses it; every failure comes out as one of the classes above. */
export interface HelpdeskClient {
  /** A request whose answer's body is not needed (an update). */
  send(req: HelpdeskRequest): Promise<void>;
  /** A request whose answer is read: the body must match `schema`, or the call is rejected with what did not. */
  read<T>(req: HelpdeskRequest, schema: z.ZodType<T>): Promise<T>;
}

/** A JSON client for one helpdesk: base URL, auth header and a per-request timeout. */
export function helpdeskClient(opts: {
  product: string;
  baseUrl: string;
  authorization: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}): HelpdeskClient {
  const doFetch = opts.fetchImpl ?? fetch;
  const what = (req: HelpdeskRequest): string => `${opts.product} ${req.method} ${req.path}`;
  const call = async (req: HelpdeskRequest): Promise<{ status: number; text: string }> => {
    let res: Response;
    try {
      res = await doFetch(`${opts.baseUrl}${req.path}`, {
        method: req.method,
        headers: {
          authorization: opts.authorization,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        // A redirect would send the credentials to a host nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const reason =
        err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : String(err);
      throw new TransientError(`${what(req)}: ${reason}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429)
      throw new RateLimitedError(retryAfterMs(res.headers.get('retry-after')), `${what(req)}: 429 rate limited`);
    if (res.status === 409) throw new ConflictError(`${what(req)}: 409 ${text.slice(0, 200)}`);
    if (res.status >= 500) throw new TransientError(`${what(req)}: ${res.status} ${text.slice(0, 200)}`);
    if (res.status >= 400) throw new RejectedError(res.status, `${what(req)}: ${res.status} ${text.slice(0, 200)}`);
    return { status: res.status, text };
  };
  return {
    async send(req) {
      await call(req);
    },
    async read(req, schema) {
      const { status, text } = await call(req);
      let json: unknown;
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        // A success that is not JSON is a login page or another site (proxies' error pages come as 5xx):
        // another try gets the same page.
        throw new RejectedError(
          status,
          `${what(req)}: answered ${status} with a body that is not JSON; is the base URL right?`,
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new RejectedError(
          status,
          `${what(req)}: answered ${status} with a body that is not what ${opts.product} documents (${parsed.error.issues.map((i) => `${i.path.join('.') || 'the body'}: ${i.message}`).join('; ')}); is the base URL right?`,
        );
      return parsed.data;
    },
  };
}
