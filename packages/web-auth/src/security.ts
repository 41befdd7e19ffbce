import helmet from '@fastify/helmet';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorView {
  status: number;
  title: string;
  /** Plain text: the renderer escapes it. */
  message: string;
}
export type RenderError = (req: FastifyRequest, view: ErrorView) => string;

export interface SecurityOptions {
  isApi(path: string): boolean;
  renderError: RenderError;
  /** Served over HTTPS: HSTS and upgrade-insecure-requests are sent only then. */
  secure: boolean;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
export const pathOf = (url: string): string => url.split('?', 1)[0] ?? url;

/**
 * Why a state-changing request looks cross-site, or null. Browsers send `Sec-Fetch-Site` and
 * `Origin` on every POST (a form, a fetch); both must name this very host. A tool such as curl
 * sends neither and is let through: it carries no cookie or remembered password a page could borrow.
 */
export function crossSiteReason(req: FastifyRequest): string | null {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  try {
    const host = new URL(origin).host;
    return host && host === req.host ? null : `Origin ${origin} is not ${req.host}`;
  } catch {
    return `Origin ${origin} is not a URL`;
  }
}

const TITLES: Record<number, string> = {
  400: 'That request was not understood',
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Nothing here',
  405: 'Not allowed here',
  409: 'Already changed',
  413: 'Too large',
  429: 'Too many attempts',
};
const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  429: 'too_many_requests',
};

/**
 * The web apps' security, in one place for both: headers by @fastify/helmet (a CSP that allows only
 * the app's own files, so no inline script or style; no framing; nosniff; Referrer-Policy; HSTS over
 * HTTPS), a CSRF token (@fastify/csrf-protection) on every state-changing page form, cross-site
 * state-changing requests refused on every route (forms, the JSON API, Bull Board's own calls), no
 * caching of pages or JSON (they hold ticket text: Back after sign-out must not show it), and errors
 * as HTML pages on page routes and JSON on API routes, without internals for either.
 */
export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        // Over plain HTTP (localhost) this would send every form to an https:// that is not there.
        ...(opts.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: opts.secure ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });

  const page = (req: FastifyRequest): boolean => !opts.isApi(pathOf(req.url));
  const send = (req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply =>
    page(req)
      ? reply
          .code(status)
          .type('text/html')
          .send(opts.renderError(req, { status, title: TITLES[status] ?? 'Something went wrong', message }))
      : reply.code(status).send({ error: CODES[status] ?? 'internal_error', message });

  app.addHook('onRequest', async (req, reply) => {
    if (SAFE_METHODS.has(req.method)) return;
    const reason = crossSiteReason(req);
    if (!reason) return;
    req.log.warn({ method: req.method, url: req.url, reason }, 'cross-site request refused');
    return send(
      req,
      reply,
      403,
      'This request came from another site and was refused. Open the page here and send it from there.',
    );
  });
  // Body-carried tokens are read once the form is parsed. API routes have no forms: the check above covers them.
  app.addHook('preHandler', (req, reply, done) => {
    if (SAFE_METHODS.has(req.method) || !page(req)) return done();
    app.csrfProtection(req, reply, done);
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (/^(text\/html|application\/json|application\/x-ndjson)/.test(type)) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setNotFoundHandler((req, reply) => send(req, reply, 404, `There is no page at ${pathOf(req.url)}.`));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err, method: req.method, url: req.url }, 'request failed');
      return send(req, reply, status, 'Something went wrong on our side; it has been logged. Try again in a moment.');
    }
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET')
      return send(
        req,
        reply,
        403,
        'This form is out of date or came from another page. Go back, reload the page and send it again.',
      );
    return send(req, reply, status, err.message);
  });
}
