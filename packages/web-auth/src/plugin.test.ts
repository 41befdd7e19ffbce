import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';
import { registerAuth, requireRole } from './plugin.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('web login', () => {
  let app: FastifyInstance;
  let now = 1_000_000;
  const cookieOf = (setCookie: string | string[] | undefined): string => String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';

  beforeAll(async () => {
    app = Fastify();
    await registerAuth(app, {
      appName: 'Review desk',
      users: [
        { username: 'ana', roles: ['reviewer'], passwordHash: await hashPassword('correct horse', FAST) },
        { username: 'obi', roles: ['viewer'], passwordHash: await hashPassword('battery staple', FAST) },
      ],
      secret: 'x'.repeat(32),
      sessionTtlMs: 60_000,
      secureCookie: false,
      basePath: '/desk',
      clock: () => now,
    });
    app.get('/desk/', { preHandler: requireRole(['reviewer'], '/desk') }, (req) => ({ hello: req.user?.username }));
    await app.ready();
  });
  afterAll(() => app.close());

  const login = (username: string, password: string, next = '/desk/') =>
    app.inject({ method: 'POST', url: '/desk/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ username, password, next }).toString() });

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
    expect((await app.inject({ url: '/desk/' })).statusCode).toBe(401);
  });

  it('signs in with the right password and the session cookie opens the page', async () => {
    const res = await login('ana', 'correct horse');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/desk/');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
    const page = await app.inject({ url: '/desk/', headers: { cookie: cookieOf(res.headers['set-cookie']) } });
    expect(page.json()).toEqual({ hello: 'ana' });
  });

  it('refuses a wrong password, an unknown user, a forged cookie and an expired session', async () => {
    expect((await login('ana', 'wrong')).statusCode).toBe(401);
    expect((await login('nobody', 'correct horse')).statusCode).toBe(401);
    const good = cookieOf((await login('ana', 'correct horse')).headers['set-cookie']);
    const [name, value = ''] = good.split('=');
    const forged = `${name}=${Buffer.from(JSON.stringify({ username: 'ana', roles: ['reviewer'], exp: 9e15 })).toString('base64url')}.${value.split('.')[1] ?? ''}`;
    expect((await app.inject({ url: '/desk/', headers: { cookie: forged } })).statusCode).toBe(401);
    now += 61_000;
    expect((await app.inject({ url: '/desk/', headers: { cookie: good } })).statusCode).toBe(401);
  });

  it('forbids a signed-in user without the role, and accepts HTTP Basic for tools', async () => {
    const viewer = cookieOf((await login('obi', 'battery staple')).headers['set-cookie']);
    expect((await app.inject({ url: '/desk/', headers: { cookie: viewer } })).statusCode).toBe(403);
    const basic = `Basic ${Buffer.from('ana:correct horse').toString('base64')}`;
    expect((await app.inject({ url: '/desk/', headers: { authorization: basic } })).json()).toEqual({ hello: 'ana' });
    const wrong = `Basic ${Buffer.from('ana:nope').toString('base64')}`;
    expect((await app.inject({ url: '/desk/', headers: { authorization: wrong } })).statusCode).toBe(401);
  });

  it('never redirects off the app after login', async () => {
    for (const next of ['https://evil.example/', '//evil.example/', '/other-app/', '/desk/\\evil']) {
      expect((await login('ana', 'correct horse', next)).headers.location).toBe('/desk/');
    }
    expect((await login('ana', 'correct horse', '/desk/tickets/7')).headers.location).toBe('/desk/tickets/7');
  });
});
