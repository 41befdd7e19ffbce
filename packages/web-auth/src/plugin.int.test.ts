import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { hashPassword, verifyPassword } from './password.js';
import { registerAuth, requireRole, type AuthOptions } from './plugin.js';
import { redisSessionStore } from './session-store.js';
import type { WebUser } from './users.js';
import { formLogin } from './testing/form-login.js';

const FAST = { N: 1024, r: 8, p: 1 };
const prefix = uniquePrefix('web-auth');
const redis = new Redis(TEST_REDIS_URL);
const sessions = redisSessionStore(redis, `${prefix}:web-session:desk`);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

/** An app instance as the desk builds it; several can share one session store, as replicas do. */
async function deskApp(users: readonly WebUser[], over: Partial<AuthOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await registerAuth(app, {
    appName: 'Review desk',
    users,
    secret: 'x'.repeat(32),
    sessionTtlMs: 60_000,
    secureCookie: false,
    basePath: '/desk',
    cookieName: 'sb_desk_session',
    sessions,
    ...over,
  });
  app.get('/desk/', { preHandler: requireRole(['reviewer']) }, (req) => ({ hello: req.user?.username }));
  app.get('/desk/api/me', { preHandler: requireRole(['reviewer']) }, (req) => ({ hello: req.user?.username }));
  await app.ready();
  return app;
}

describe('web login', () => {
  let app: FastifyInstance;
  let now = 1_000_000;
  const cookieOf = (setCookie: string | string[] | undefined): string =>
    String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';

  let users: WebUser[];
  beforeAll(async () => {
    users = [
      { username: 'ana', roles: ['reviewer'], passwordHash: await hashPassword('correct horse', FAST) },
      { username: 'obi', roles: ['viewer'], passwordHash: await hashPassword('battery staple', FAST) },
    ];
    app = await deskApp(users, { clock: () => now });
  });
  afterAll(() => app.close());

  const login = (username: string, password: string, next = '/desk/', cookie?: string) =>
    formLogin(app, { username, password, next }, cookie);

  it('hashes with scrypt and verifies only the right password', async () => {
    const h = await hashPassword('pw', FAST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('pw', h)).toBe(true);
    expect(await verifyPassword('pW', h)).toBe(false);
    expect(await verifyPassword('pw', 'plain-text')).toBe(false);
  });

  it('sends a browser without a session to the login page, and an API client gets 401', async () => {
    const page = await app.inject({ url: '/desk/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/desk/login?next=%2Fdesk%2F');
    const api = await app.inject({ url: '/desk/api/me', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(401);
    // No Basic challenge: a page's background request must never open the browser's own password box.
    expect(api.headers['www-authenticate']).toBeUndefined();
    expect(api.json()).toMatchObject({ error: 'unauthorized', signIn: '/desk/login' });
  });

  it('signs in with the right password and the session cookie opens the page', async () => {
    const res = await login('ana', 'correct horse');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/desk/');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
    const page = await app.inject({ url: '/desk/api/me', headers: { cookie: cookieOf(res.headers['set-cookie']) } });
    expect(page.json()).toEqual({ hello: 'ana' });
  });

  it('refuses a wrong password, an unknown user, a forged cookie and an expired session', async () => {
    expect((await login('ana', 'wrong')).statusCode).toBe(401);
    expect((await login('nobody', 'correct horse')).statusCode).toBe(401);
    const good = cookieOf((await login('ana', 'correct horse')).headers['set-cookie']);
    const [name, value = ''] = good.split('=');
    // A made-up session id with a borrowed signature, and a real id whose signature was stripped.
    const forged = `${name}=${'A'.repeat(43)}.${value.split('.')[1] ?? ''}`;
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie: forged } })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/desk/api/me', headers: { cookie: `${name}=${value.split('.')[0] ?? ''}` } }))
        .statusCode,
    ).toBe(401);
    now += 61_000;
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie: good } })).statusCode).toBe(401);
  });

  it('forbids a signed-in user without the role, and accepts HTTP Basic for tools', async () => {
    const viewer = cookieOf((await login('obi', 'battery staple')).headers['set-cookie']);
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie: viewer } })).statusCode).toBe(403);
    const basic = `Basic ${Buffer.from('ana:correct horse').toString('base64')}`;
    expect((await app.inject({ url: '/desk/api/me', headers: { authorization: basic } })).json()).toEqual({
      hello: 'ana',
    });
    const wrong = `Basic ${Buffer.from('ana:nope').toString('base64')}`;
    expect((await app.inject({ url: '/desk/api/me', headers: { authorization: wrong } })).statusCode).toBe(401);
    // Pages take no Basic: a browser that remembered it must sign in with the form (and its CSRF token).
    expect((await app.inject({ url: '/desk/', headers: { authorization: basic } })).statusCode).toBe(303);
  });

  it('never redirects off the app after login', async () => {
    for (const next of ['https://evil.example/', '//evil.example/', '/other-app/', '/desk/\\evil']) {
      expect((await login('ana', 'correct horse', next)).headers.location).toBe('/desk/');
    }
    expect((await login('ana', 'correct horse', '/desk/tickets/7')).headers.location).toBe('/desk/tickets/7');
  });

  it('signing out ends the session for good: a copy of the cookie taken before opens nothing', async () => {
    const cookie = cookieOf((await login('ana', 'correct horse')).headers['set-cookie']);
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie } })).statusCode).toBe(200);
    const page = await app.inject({ url: '/desk/login', headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0];
    const out = await app.inject({
      method: 'POST',
      url: '/desk/logout',
      headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(out.statusCode).toBe(303);
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('a session is good on every replica, and follows the user list: a removed role or user loses access', async () => {
    const cookie = cookieOf((await login('ana', 'correct horse')).headers['set-cookie']);
    const clock = { clock: () => now };
    const replica = await deskApp(users, clock);
    const demoted = await deskApp(
      users.map((u) => (u.username === 'ana' ? { ...u, roles: ['viewer' as const] } : u)),
      clock,
    );
    const removed = await deskApp(
      users.filter((u) => u.username !== 'ana'),
      clock,
    );
    try {
      expect((await replica.inject({ url: '/desk/api/me', headers: { cookie } })).json()).toEqual({ hello: 'ana' });
      expect((await demoted.inject({ url: '/desk/api/me', headers: { cookie } })).statusCode).toBe(403);
      expect((await removed.inject({ url: '/desk/api/me', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      await Promise.all([replica.close(), demoted.close(), removed.close()]);
    }
  });

  it('a new password ends the sessions started with the old one, and signing in again ends the older session of that browser', async () => {
    const first = cookieOf((await login('ana', 'correct horse')).headers['set-cookie']);
    const second = cookieOf((await login('ana', 'correct horse', '/desk/', first)).headers['set-cookie']);
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie: first } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/desk/api/me', headers: { cookie: second } })).statusCode).toBe(200);
    const rotated = await deskApp(
      users.map((u) => (u.username === 'ana' ? { ...u, passwordHash: 'scrypt$1024$8$1$bmV3c2FsdA$bmV3aGFzaA' } : u)),
      { clock: () => now },
    );
    try {
      expect((await rotated.inject({ url: '/desk/api/me', headers: { cookie: second } })).statusCode).toBe(401);
    } finally {
      await rotated.close();
    }
  });
});
