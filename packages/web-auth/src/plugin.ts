import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { loginPage } from './login-page.js';
import { verifyPassword } from './password.js';
import type { SessionUser } from './session.js';
import type { SessionStore } from './session-store.js';
import type { Role, WebUser } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
}

export interface AuthOptions {
  appName: string;
  users: readonly WebUser[];
  /** Signs the session cookie; at least 32 characters. */
  secret: string;
  sessionTtlMs: number;
  /** Where sessions live (`redisSessionStore`): the cookie holds only a signed session id. */
  sessions: SessionStore;
  /** Send the cookie only over HTTPS; on for anything but local development. */
  secureCookie: boolean;
  /** Where the app is mounted, so login links and the cookie path stay inside it. */
  basePath?: string;
  clock?: () => number;
}

const COOKIE = 'sb_session';

/** A fingerprint of the password hash a session was started with; not the hash itself. */
const credentialOf = (user: WebUser): string =>
  createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 22);
const LoginForm = z.object({
  username: z.string().max(64),
  password: z.string().max(1024),
  next: z.string().max(2048).optional(),
});

/** Only same-app paths: a `next` pointing elsewhere would make the login page an open redirect. */
const safeNext = (next: string | undefined, base: string): string =>
  next && next.startsWith(`${base}/`) && !next.startsWith('//') && !next.includes('\\') ? next : `${base}/`;

/**
 * Login for the fleet's web apps: a form that starts a server-side session and sets its id in a
 * signed, http-only cookie, and HTTP Basic with the same users for tools that call the JSON API.
 * Passwords are checked against scrypt hashes in constant time; an unknown user costs the same as a
 * wrong password. A session carries no roles: they are read from the user list on every request, so
 * removing a user or a role takes effect at the next restart, not when the cookie expires.
 */
export async function registerAuth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  if (opts.secret.length < 32) throw new Error('the session secret must be at least 32 characters');
  const base = (opts.basePath ?? '').replace(/\/$/, '');
  const clock = opts.clock ?? Date.now;
  const byName = new Map(opts.users.map((u) => [u.username, u]));
  // A real hash to compare against when the user does not exist, so timing does not reveal names.
  const decoy = opts.users[0]?.passwordHash ?? '';

  const check = async (username: string, password: string): Promise<WebUser | null> => {
    const user = byName.get(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? decoy);
    return user && ok ? user : null;
  };

  await app.register(cookie, { secret: opts.secret });
  await app.register(formbody);
  app.decorateRequest('user', null);

  const sessionIdOf = (req: FastifyRequest): string | null => {
    const signed = req.cookies[COOKIE];
    if (!signed) return null;
    const { valid, value } = req.unsignCookie(signed);
    return valid && value ? value : null;
  };

  app.addHook('onRequest', async (req) => {
    const id = sessionIdOf(req);
    if (id) {
      const session = await opts.sessions.get(id);
      const user = session && session.exp > clock() ? byName.get(session.username) : undefined;
      if (session && user && session.credential === credentialOf(user))
        req.user = { username: user.username, roles: user.roles, exp: session.exp };
    }
    const auth = req.headers.authorization;
    if (!req.user && auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        const user = await check(decoded.slice(0, colon), decoded.slice(colon + 1));
        if (user) req.user = { username: user.username, roles: user.roles, exp: clock() + 60_000 };
      }
    }
  });

  app.get(`${base}/login`, async (req, reply) => {
    const next =
      typeof (req.query as Record<string, unknown>).next === 'string'
        ? String((req.query as Record<string, unknown>).next)
        : undefined;
    return reply.type('text/html').send(loginPage(opts.appName, safeNext(next, base)));
  });

  app.post(`${base}/login`, async (req, reply) => {
    const form = LoginForm.safeParse(req.body);
    const next = safeNext(form.success ? form.data.next : undefined, base);
    const user = form.success ? await check(form.data.username, form.data.password) : null;
    if (!user)
      return reply
        .code(401)
        .type('text/html')
        .send(loginPage(opts.appName, next, 'Wrong username or password.'));
    // A browser that signs in again leaves no older session of its own behind.
    const previous = sessionIdOf(req);
    if (previous) await opts.sessions.revoke(previous);
    const session = await opts.sessions.create(
      { username: user.username, exp: clock() + opts.sessionTtlMs, credential: credentialOf(user) },
      opts.sessionTtlMs,
    );
    req.log.info({ username: user.username }, 'signed in');
    return reply
      .setCookie(COOKIE, session, {
        signed: true,
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookie,
        path: base || '/',
        maxAge: Math.floor(opts.sessionTtlMs / 1000),
      })
      .redirect(next, 303);
  });

  app.post(`${base}/logout`, async (req, reply) => {
    const id = sessionIdOf(req);
    try {
      if (id) await opts.sessions.revoke(id);
    } catch (err) {
      // The browser still loses its cookie; the session itself ends at its expiry.
      req.log.error({ err }, 'could not end the session in the store; it stays valid until it expires');
    }
    if (req.user) req.log.info({ username: req.user.username }, 'signed out');
    return reply.clearCookie(COOKIE, { path: base || '/' }).redirect(`${base}/login`, 303);
  });
}

const wantsHtml = (req: FastifyRequest): boolean => (req.headers.accept ?? '').includes('text/html');

/** A pre-handler: signed in with one of `roles`, else 303 to the login page (browsers) or 401/403 (API). */
export function requireRole(roles: readonly Role[], basePath = ''): preHandlerAsyncHookHandler {
  const base = basePath.replace(/\/$/, '');
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user) {
      if (wantsHtml(req)) return reply.redirect(`${base}/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="switchboard"')
        .send({ error: 'unauthorized', message: 'sign in or send HTTP Basic credentials' });
    }
    if (!req.user.roles.some((r) => roles.includes(r)))
      return reply.code(403).send({ error: 'forbidden', message: `needs the ${roles.join(' or ')} role` });
  };
}
