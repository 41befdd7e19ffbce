import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { registerAssets } from './assets.js';
import { AUTH_ASSETS, errorPage, loginPage } from './pages.js';
import { verifyPassword } from './password.js';
import { pathOf, registerSecurity, type ErrorView, type RenderError } from './security.js';
import type { SessionUser } from './session.js';
import type { SessionStore } from './session-store.js';
import {
  loginThrottle,
  memoryThrottleStore,
  type LoginThrottle,
  type Throttled,
  type ThrottleScope,
} from './throttle.js';
import type { Role, WebUser } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
    /** The browser sent a session cookie that no longer opens anything (expired, signed out, rotated). */
    sessionEnded: boolean;
  }
  interface FastifyInstance {
    webAuth: WebAuthContext;
  }
}

/** What the login's pre-handlers and an app's pages need to know about the login. */
export interface WebAuthContext {
  appName: string;
  base: string;
  /** Routes for other tools: the only ones that take HTTP Basic, and they answer in JSON. */
  isApi(path: string): boolean;
  renderError: RenderError;
  /** The session watcher's script tag for a page that stays open (`session.js`). */
  sessionWatcherTag(): string;
}

/** Sign-in outcomes for Prometheus; `createLoginMetrics` in @switchboard/runtime implements it. */
export interface LoginMetrics {
  failed(via: 'form' | 'basic'): void;
  throttled(scope: ThrottleScope, via: 'form' | 'basic'): void;
}

export interface AuthOptions {
  appName: string;
  users: readonly WebUser[];
  /** Signs the session cookie; at least 32 characters. */
  secret: string;
  sessionTtlMs: number;
  /** Where sessions live (`redisSessionStore`): the cookie holds only a signed session id. */
  sessions: SessionStore;
  /**
   * The session cookie's name, one per app: cookies are scoped to the host, not the port, so two
   * apps on one host with the same name would each overwrite (sign out) the other's session.
   */
  cookieName: string;
  /** Send the cookie only over HTTPS (and send HSTS); on for anything but local development. */
  secureCookie: boolean;
  /** Where the app is mounted, so login links and the cookie path stay inside it. */
  basePath?: string;
  /** The JSON API for other tools (HTTP Basic accepted, JSON errors); default: everything under `<base>/api/`. */
  isApi?: (path: string) => boolean;
  /** Failed sign-ins per user and per address (`loginThrottle(redisThrottleStore(...))`); in memory by default. */
  throttle?: LoginThrottle;
  /** A coarse cap on sign-in form posts per address, before any password is looked at. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  metrics?: LoginMetrics;
  /** The app's own error page (its header and links); a plain one otherwise. */
  renderError?: RenderError;
  /** How often an open page asks whether its session still holds. */
  sessionCheckMs?: number;
  clock?: () => number;
}

/** A fingerprint of the password hash a session was started with; not the hash itself. */
const credentialOf = (user: WebUser): string =>
  createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 22);
const LoginForm = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  next: z.string().max(2048).optional(),
});

/** Only same-app paths: a `next` pointing elsewhere would make the login page an open redirect. */
const safeNext = (next: string | undefined, base: string): string =>
  next && next.startsWith(`${base}/`) && !next.startsWith('//') && !next.includes('\\') ? next : `${base}/`;

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const inWords = (s: number): string => (s < 90 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minutes`);
const throttledMessage = (t: Throttled): string =>
  `Too many failed sign-ins ${t.scope === 'user' ? 'for this user' : 'from this address'}: ` +
  `${t.locked ? 'locked' : 'wait'} for ${inWords(seconds(t.retryAfterMs))}, then try again.`;

const tokens = new WeakMap<FastifyReply, string>();
/**
 * The CSRF token for the forms of the page being rendered. Once per response: a second
 * `generateCsrf` on a browser's first visit would set a second secret and void the first token.
 */
export function csrfToken(reply: FastifyReply): string {
  let token = tokens.get(reply);
  if (token === undefined) {
    token = reply.generateCsrf();
    tokens.set(reply, token);
  }
  return token;
}

/** The login's own files: the stylesheet of its simple pages, the apps' page chrome and the session watcher. */
const AUTH_FILES = ['web.css', 'chrome.css', 'session.js'];

/**
 * Login for the fleet's web apps: a form that starts a server-side session and sets its id in a
 * signed, http-only cookie, and HTTP Basic with the same users for tools that call the JSON API
 * (and nowhere else). Passwords are checked against scrypt hashes in constant time, and only after
 * the throttle has let the attempt through, so guessing costs the guesser time and not us CPU; an
 * unknown user costs the same as a wrong password. A session carries no roles: they are read from
 * the user list on every request. Also registers the apps' web security (`registerSecurity`):
 * headers, CSRF, cross-site refusal, no-store, HTML error pages.
 */
export async function registerAuth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  if (opts.secret.length < 32) throw new Error('the session secret must be at least 32 characters');
  const base = (opts.basePath ?? '').replace(/\/$/, '');
  const clock = opts.clock ?? Date.now;
  const byName = new Map(opts.users.map((u) => [u.username, u]));
  // A real hash to compare against when the user does not exist, so timing does not reveal names.
  const decoy = opts.users[0]?.passwordHash ?? '';
  const throttle = opts.throttle ?? loginThrottle(memoryThrottleStore(), undefined, clock);
  const isApi = opts.isApi ?? ((path: string) => path.startsWith(`${base}/api/`));
  const cookieName = opts.cookieName;
  const renderError: RenderError =
    opts.renderError ?? ((_req, view: ErrorView) => errorPage({ base, appName: opts.appName, ...view }));
  const assetBase = `${base}${AUTH_ASSETS}`;
  const context: WebAuthContext = {
    appName: opts.appName,
    base,
    isApi,
    renderError,
    sessionWatcherTag: () =>
      `<script src="${assetBase}/session.js" defer data-status-url="${assetBase}/session" data-login-url="${base}/login" data-every-ms="${opts.sessionCheckMs ?? 30_000}"></script>`,
  };
  app.decorate('webAuth', context);

  const check = async (username: string, password: string): Promise<WebUser | null> => {
    const user = byName.get(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? decoy);
    return user && ok ? user : null;
  };

  await app.register(cookie, { secret: opts.secret });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    cookieKey: `${cookieName}_csrf`,
    cookieOpts: { path: base || '/', sameSite: 'strict', httpOnly: true, secure: opts.secureCookie, signed: true },
  });
  await registerSecurity(app, { isApi, renderError, secure: opts.secureCookie });
  app.decorateRequest('user', null);
  app.decorateRequest('sessionEnded', false);

  const sessionIdOf = (req: FastifyRequest): string | null => {
    const signed = req.cookies[cookieName];
    if (!signed) return null;
    const { valid, value } = req.unsignCookie(signed);
    return valid && value ? value : null;
  };

  app.addHook('onRequest', async (req, reply) => {
    if (req.cookies[cookieName]) {
      const id = sessionIdOf(req);
      const session = id ? await opts.sessions.get(id) : null;
      const user = session && session.exp > clock() ? byName.get(session.username) : undefined;
      if (session && user && session.credential === credentialOf(user))
        req.user = { username: user.username, roles: user.roles, exp: session.exp };
      else req.sessionEnded = true;
    }
    const auth = req.headers.authorization;
    // Basic only where tools call: a browser that cached Basic credentials must not carry them into the pages' forms.
    if (req.user || !auth?.startsWith('Basic ') || !isApi(pathOf(req.url))) return;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return;
    const username = decoded.slice(0, colon);
    const throttled = await throttle.check(username, req.ip);
    if (throttled) {
      opts.metrics?.throttled(throttled.scope, 'basic');
      req.log.warn(
        {
          username,
          address: req.ip,
          scope: throttled.scope,
          retryAfterS: seconds(throttled.retryAfterMs),
          via: 'basic',
        },
        'sign-in throttled',
      );
      return reply
        .code(429)
        .header('retry-after', String(seconds(throttled.retryAfterMs)))
        .send({ error: 'too_many_attempts', message: throttledMessage(throttled) });
    }
    const user = await check(username, decoded.slice(colon + 1));
    if (user) {
      await throttle.succeeded(username);
      req.user = { username: user.username, roles: user.roles, exp: clock() + 60_000 };
    } else {
      await throttle.failed(username, req.ip);
      opts.metrics?.failed('basic');
      req.log.warn({ username, address: req.ip, via: 'basic' }, 'sign-in failed');
    }
  });

  await registerAssets(app, { path: assetBase, dir: new URL('./assets/', import.meta.url), files: AUTH_FILES });
  // What session.js asks: does this browser's session still hold? Not under /api: it never takes Basic.
  app.get(`${assetBase}/session`, async (req, reply) =>
    req.user
      ? { username: req.user.username, expiresAt: new Date(req.user.exp).toISOString() }
      : reply.code(401).send({ error: 'session_expired', message: 'sign in again', signIn: `${base}/login` }),
  );

  const sendLogin = (
    reply: FastifyReply,
    status: number,
    next: string,
    extra: { error?: string; expired?: boolean } = {},
  ): FastifyReply =>
    reply
      .code(status)
      .type('text/html')
      .send(loginPage({ base, appName: opts.appName, next, csrf: csrfToken(reply), ...extra }));

  app.get(`${base}/login`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const next = typeof q.next === 'string' ? q.next : undefined;
    return sendLogin(reply, 200, safeNext(next, base), { expired: q.expired === '1' || req.sessionEnded });
  });

  const limit = opts.loginRateLimit ?? { max: 60, timeWindowMs: 60_000 };
  app.post(
    `${base}/login`,
    { config: { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs } } },
    async (req, reply) => {
      const form = LoginForm.safeParse(req.body);
      const next = safeNext(form.success ? form.data.next : undefined, base);
      if (!form.success) return sendLogin(reply, 400, next, { error: 'Enter a username and a password.' });
      const { username, password } = form.data;
      const throttled = await throttle.check(username, req.ip);
      if (throttled) {
        opts.metrics?.throttled(throttled.scope, 'form');
        req.log.warn(
          {
            username,
            address: req.ip,
            scope: throttled.scope,
            retryAfterS: seconds(throttled.retryAfterMs),
            via: 'form',
          },
          'sign-in throttled',
        );
        reply.header('retry-after', String(seconds(throttled.retryAfterMs)));
        return sendLogin(reply, 429, next, { error: throttledMessage(throttled) });
      }
      const user = await check(username, password);
      if (!user) {
        await throttle.failed(username, req.ip);
        opts.metrics?.failed('form');
        req.log.warn({ username, address: req.ip, via: 'form' }, 'sign-in failed');
        return sendLogin(reply, 401, next, { error: 'Wrong username or password.' });
      }
      await throttle.succeeded(username);
      // A browser that signs in again leaves no older session of its own behind.
      const previous = sessionIdOf(req);
      if (previous) await opts.sessions.revoke(previous);
      const session = await opts.sessions.create(
        { username: user.username, exp: clock() + opts.sessionTtlMs, credential: credentialOf(user) },
        opts.sessionTtlMs,
      );
      req.log.info({ username: user.username }, 'signed in');
      return reply
        .setCookie(cookieName, session, {
          signed: true,
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secureCookie,
          path: base || '/',
          maxAge: Math.floor(opts.sessionTtlMs / 1000),
        })
        .redirect(next, 303);
    },
  );

  app.post(`${base}/logout`, async (req, reply) => {
    const id = sessionIdOf(req);
    try {
      if (id) await opts.sessions.revoke(id);
    } catch (err) {
      // The browser still loses its cookie; the session itself ends at its expiry.
      req.log.error({ err }, 'could not end the session in the store; it stays valid until it expires');
    }
    if (req.user) req.log.info({ username: req.user.username }, 'signed out');
    return reply.clearCookie(cookieName, { path: base || '/' }).redirect(`${base}/login`, 303);
  });
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** For a form posted without a session: back to the page the form was on (its Referer, if it is ours). */
function pageToReturnTo(req: FastifyRequest, base: string): string {
  if (SAFE_METHODS.has(req.method)) return req.url;
  const referer = req.headers.referer;
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === req.host && url.pathname.startsWith(`${base}/`)) return url.pathname + url.search;
    } catch {
      // An unreadable Referer: the start page will do.
    }
  }
  return `${base}/`;
}

/**
 * A pre-handler: signed in with one of `roles`. Without a session, a page sends the browser to the
 * login page (saying the session expired when it did, and coming back to the same page), and an API
 * route answers a JSON 401 without a `WWW-Authenticate: Basic` challenge, so a page's background
 * request never pops up the browser's own password box. Without the role: 403, an HTML page on page
 * routes, JSON on API routes.
 */
export function requireRole(roles: readonly Role[]): preHandlerAsyncHookHandler {
  return async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
    const web = req.server.webAuth;
    const api = web.isApi(pathOf(req.url));
    if (!req.user) {
      if (api)
        return reply.code(401).send({
          error: req.sessionEnded ? 'session_expired' : 'unauthorized',
          message: req.sessionEnded ? 'your session expired; sign in again' : 'sign in or send HTTP Basic credentials',
          signIn: `${web.base}/login`,
        });
      const next = encodeURIComponent(pageToReturnTo(req, web.base));
      return reply.redirect(`${web.base}/login?next=${next}${req.sessionEnded ? '&expired=1' : ''}`, 303);
    }
    if (!req.user.roles.some((r) => roles.includes(r))) {
      const message = `This needs the ${roles.join(' or ')} role; ${req.user.username} has ${req.user.roles.join(', ')}.`;
      if (api) return reply.code(403).send({ error: 'forbidden', message });
      return reply
        .code(403)
        .type('text/html')
        .send(web.renderError(req, { status: 403, title: 'Not open to your role', message }));
    }
  };
}
