import { Agent, request } from 'undici';

// Statuses whose Response must have a null body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The fetch the OpenAI client is given: undici's `request` on one keep-alive agent per tier, with the
 * answer wrapped in a standard Response once it is read. Node's global fetch spends about twice the
 * CPU per call on WHATWG stream and request plumbing (measured in `pnpm bench`, scenario 1), which at
 * a few thousand tickets a second is most of a core. Timeouts still come from the SDK's abort signal.
 * Bodies the SDK never sends to a chat endpoint (streams, form data) go through the global fetch.
 * Idle pooled sockets do not hold the process open (undici unrefs them), so shutdown needs no close.
 */
export function pooledFetch(opts: { keepAliveTimeoutMs?: number } = {}): typeof fetch {
  const agent = new Agent({ keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000 });
  const pooled = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    if (input instanceof Request || !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)) {
      return fetch(input, init);
    }
    const res = await request(input, {
      method: init.method ?? 'GET',
      // A list of pairs would be read by undici as a flat list; a Headers object or a record is passed as is.
      headers: Array.isArray(init.headers) ? new Headers(init.headers) : (init.headers as Headers | Record<string, string> | undefined),
      body: body ?? undefined,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const text = await res.body.text();
    return new Response(NULL_BODY_STATUSES.has(res.statusCode) ? null : text, { status: res.statusCode, headers });
  };
  return pooled;
}
