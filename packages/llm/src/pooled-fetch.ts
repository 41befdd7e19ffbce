import { Agent, request } from 'undici';

// Statuses whose Response must have a null body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The fetch the OpenAI client is given: undici's `request` on one keep-alive agent per tier, with the
 * answer read whole and wrapped in a standard Response. Node's global fetch spends about twice the
 * CPU per call on WHATWG stream and request plumbing (measured in `pnpm bench`, scenario 1), which at
 * a few thousand tickets a second is most of a core. Timeouts still come from the SDK's abort
 * signal, which undici honours with the AbortError the SDK reads as a timeout.
 *
 * Made for the JSON chat API: no Accept-Encoding is sent, so answers come uncompressed, redirects are
 * not followed, and the body is read as UTF-8 text. Bodies the SDK never sends to a chat endpoint
 * (streams, form data) go through the global fetch. Idle sockets close after undici's default 4 s,
 * shorter than the keep-alive of common servers (uvicorn's 5 s), so a call seldom lands on a socket
 * the server is closing; undici unrefs idle sockets, so shutdown needs no close.
 */
export function pooledFetch(): typeof fetch {
  const agent = new Agent();
  const pooled = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    if (
      input instanceof Request ||
      !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      return fetch(input, init);
    }
    const res = await request(input, {
      method: init.method ?? 'GET',
      // A list of pairs would be read by undici as a flat list; a Headers object or a record is passed as is.
      headers: Array.isArray(init.headers)
        ? new Headers(init.headers)
        : (init.headers as Headers | Record<string, string> | undefined),
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
