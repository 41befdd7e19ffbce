import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { hashPassword } from './password.js';
import { formLogin } from './testing/form-login.js';
import { registerAuth, requireRole, type LoginMetrics } from './plugin.js';
import { redisSessionStore } from './session-store.js';
import { loginThrottle, redisThrottleStore, waitFor } from './throttle.js';

const FAST = { N: 1024, r: 8, p: 1 };
const prefix = uniquePrefix('web-sec');
const redis = new Redis(TEST_REDIS_URL);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

describe('sign-in throttling, headers, CSRF and error pages', () => {
  let app: FastifyInstance;
  const logLines: Record<string, unknown>[] = [];
  const counted: string[] = [];
  const metrics: LoginMetrics = {
    failed: (via) => counted.push(`failed:${via}`),
    throttled: (scope, via) => counted.push(`throttled:${scope}:${via}`),
  };

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = Fastify({ logger: { level: 'info', stream } });
    await registerAuth(app, {
      appName: 'Desk',
      users: [{ username: 'ana', roles: ['reviewer'], passwordHash: await hashPassword('correct horse', FAST) }],
      secret: 'y'.repeat(32),
      sessionTtlMs: 60_000,
      secureCookie: true,
      basePath: '/desk',
      cookieName: 'sb_desk_session',
      sessions: redisSessionStore(redis, `${prefix}:session`),
      throttle: loginThrottle(redisThrottleStore(redis, `${prefix}:throttle`), {
        user: { freeFailures: 3, baseDelayMs: 60_000, lockoutAfter: 5, lockoutMs: 600_000, windowMs: 600_000 },
        address: { freeFailures: 100, baseDelayMs: 1_000, lockoutAfter: 200, lockoutMs: 600_000, windowMs: 600_000 },
      }),
      metrics,
    });
    app.get('/desk/', { preHandler: requireRole(['reviewer']) }, (_req, reply) =>
      reply.type('text/html').send('<p>ticket text</p>'),
    );
    app.post('/desk/act', { preHandler: requireRole(['reviewer']) }, () => ({ done: true }));
    app.post('/desk/api/act', { preHandler: requireRole(['reviewer']) }, () => ({ done: true }));
    app.get('/desk/boom', () => {
      throw new Error('secret internal detail at /srv/app/x.ts');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers 429 with Retry-After once a user has failed too often, without checking the password, and logs and counts it', async () => {
    for (let i = 0; i < 3; i++)
      expect((await formLogin(app, { username: 'ana', password: 'nope' })).statusCode).toBe(401);
    const started = performance.now();
    // Even the right password is refused now: it is not looked at while the user is throttled.
    const blocked = await formLogin(app, { username: 'ana', password: 'correct horse' });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(50);
    expect(blocked.headers['content-type']).toMatch(/text\/html/);
    expect(blocked.body).toContain('Too many failed sign-ins for this user');
    expect(performance.now() - started).toBeLessThan(1_000);
    // HTTP Basic counts against the same user, before scrypt.
    const basic = `Basic ${Buffer.from('ana:correct horse').toString('base64')}`;
    const api = await app.inject({ method: 'POST', url: '/desk/api/act', headers: { authorization: basic } });
    expect(api.statusCode).toBe(429);
    expect(api.headers['retry-after']).toBeDefined();
    expect(counted).toEqual([
      'failed:form',
      'failed:form',
      'failed:form',
      'throttled:user:form',
      'throttled:user:basic',
    ]);
    expect(logLines.filter((l) => l.msg === 'sign-in throttled')).toHaveLength(2);
    expect(logLines.find((l) => l.msg === 'sign-in throttled')).toMatchObject({ username: 'ana', scope: 'user' });
  });

  it('backs off, doubling, then locks out for the whole window', () => {
    const policy = { freeFailures: 2, baseDelayMs: 1_000, lockoutAfter: 5, lockoutMs: 60_000, windowMs: 60_000 };
    const at = (failures: number) => waitFor({ failures, lastAt: 0 }, policy, 0);
    expect(at(1).retryAfterMs).toBe(0);
    expect([at(2), at(3), at(4)].map((w) => w.retryAfterMs)).toEqual([1_000, 2_000, 4_000]);
    expect(at(5)).toEqual({ retryAfterMs: 60_000, locked: true });
    expect(waitFor({ failures: 5, lastAt: 0 }, policy, 60_000).retryAfterMs).toBe(0);
  });

  it('sends the security headers and no-store on a page, and HSTS when the cookie is Secure', async () => {
    const res = await app.inject({ url: '/desk/login' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.body).not.toMatch(/<script>|<style>| style="/);
  });

  it('refuses a cross-site POST even with a session or Basic credentials, and a form without its CSRF token', async () => {
    // A throttle-free user for this test: the first test throttled ana's name.
    await redis.del(...(await redis.keys(`${prefix}:throttle:*`)));
    const login = await formLogin(app, { username: 'ana', password: 'correct horse' });
    const session = String([login.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    const basic = `Basic ${Buffer.from('ana:correct horse').toString('base64')}`;
    const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    const form = await app.inject({ method: 'POST', url: '/desk/act', headers: { cookie: session, ...evil } });
    expect(form.statusCode).toBe(403);
    expect(form.headers['content-type']).toMatch(/text\/html/);
    const api = await app.inject({ method: 'POST', url: '/desk/api/act', headers: { authorization: basic, ...evil } });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ error: 'forbidden' });
    // Only an Origin (older browsers send no Sec-Fetch-Site).
    const originOnly = { authorization: basic, origin: 'http://evil.example' };
    expect((await app.inject({ method: 'POST', url: '/desk/api/act', headers: originOnly })).statusCode).toBe(403);
    // The same from its own origin goes through; a form without the CSRF token does not.
    const own = { origin: 'http://localhost:3200', host: 'localhost:3200', 'sec-fetch-site': 'same-origin' };
    expect(
      (await app.inject({ method: 'POST', url: '/desk/api/act', headers: { authorization: basic, ...own } })).json(),
    ).toEqual({
      done: true,
    });
    const noToken = await app.inject({ method: 'POST', url: '/desk/act', headers: { cookie: session, ...own } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('This form is out of date');
  });

  it('answers errors as HTML pages on page routes and JSON on API routes, without internals', async () => {
    const page = await app.inject({ url: '/desk/nothing-here' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Nothing here');
    const api = await app.inject({ url: '/desk/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'not_found' });
    const boom = await app.inject({ url: '/desk/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.headers['content-type']).toMatch(/text\/html/);
    expect(boom.body).not.toContain('/srv/app');
  });
});
