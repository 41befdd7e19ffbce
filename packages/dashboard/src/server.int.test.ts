import { redisSessionStore } from '@switchboard/web-auth';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allQueueDefs } from '@switchboard/queues';
import { createLogger } from '@switchboard/runtime';
import { TEST_REDIS_URL, dropPrefix, testLogger, uniquePrefix } from '@switchboard/testkit';
import { openBoardQueues, type BoardQueues } from './board-queues.js';
import { REDACTED } from './redact.js';
import { buildDashboardServer, type DashboardServer } from './server.js';
import {
  PASSWORDS,
  SECRET_VALUES,
  SECRETS,
  SESSION_SECRET,
  csrfFor,
  formLogin,
  queueNamed,
  seedJobs,
  testUsers,
  type SeededJobs,
} from './testing/dashboard-fixtures.js';

const cookieOf = (res: LightMyRequestResponse): string => {
  const set = res.headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0] ?? '';
};

describe('dashboard', { timeout: 30_000 }, () => {
  const prefix = uniquePrefix('dashboard');
  let board: BoardQueues;
  let app: DashboardServer;
  let jobs: SeededJobs;
  const cookies = { viewer: '', operator: '' };
  const logLines: string[] = [];
  const logger = createLogger(
    { name: 'dashboard', level: 'info' },
    new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }),
  );

  const login = (username: string, password: string) => formLogin(app, { username, password });
  const get = (url: string, cookie: string) => app.inject({ url, headers: { cookie } });
  const put = (url: string, cookie: string) => app.inject({ method: 'PUT', url, headers: { cookie } });
  const stateOf = async (ref: { queue: string; id: string }): Promise<string | undefined> => {
    const job = await queueNamed(board.queues, ref.queue).getJob(ref.id);
    return job ? await job.getState() : undefined;
  };

  beforeAll(async () => {
    board = await openBoardQueues({ redisUrl: TEST_REDIS_URL, prefix, logger: testLogger('dashboard') });
    app = await buildDashboardServer({
      queues: board.entries,
      deadLetters: board,
      redis: board.redis,
      users: await testUsers(),
      sessionSecret: SESSION_SECRET,
      sessionTtlMs: 600_000,
      sessions: redisSessionStore(board.redis, `${prefix}:web-session:dashboard`),
      secureCookie: false,
      logger,
    });
    await app.ready();
    jobs = await seedJobs(board.queues, prefix);
    cookies.viewer = cookieOf(await login('vera', PASSWORDS.viewer));
    cookies.operator = cookieOf(await login('otto', PASSWORDS.operator));
  });

  afterAll(async () => {
    await app?.close();
    await board?.close();
    await dropPrefix(prefix);
  });

  describe('login', () => {
    it('sends a browser without a session to the login page and answers 401 to API clients', async () => {
      for (const url of ['/', '/view/', '/board/', '/view/queue/tickets']) {
        const page = await app.inject({ url, headers: { accept: 'text/html' } });
        expect(page.statusCode, url).toBe(303);
        expect(page.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      }
      for (const url of [
        '/view/api/queues',
        '/board/api/queues',
        `/board/api/queues/${jobs.waiting.queue}/${jobs.waiting.id}`,
      ]) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(401);
        // JSON, and no Basic challenge: Bull Board's polling must not open the browser's password box.
        expect(res.headers['www-authenticate'], url).toBeUndefined();
        expect(res.json(), url).toMatchObject({ error: 'unauthorized' });
      }
      // Bull Board's files are no API: they send a browser to sign in, like its pages.
      expect((await app.inject({ url: '/view/static/favicon-32x32.png' })).statusCode).toBe(303);
      const form = await app.inject({ url: '/login' });
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('name="password"');
    });

    it('refuses a wrong password', async () => {
      expect((await login('vera', 'not it')).statusCode).toBe(401);
    });

    it('signs out through a form that posts, for good, and answers health checks without a session', async () => {
      expect((await app.inject({ url: '/logout' })).body).toContain('<form method="post" action="/logout">');
      // A session of its own: the other tests go on using theirs.
      const leaving = cookieOf(await login('vera', PASSWORDS.viewer));
      expect((await get('/view/', leaving)).statusCode).toBe(200);
      const form = await csrfFor(app, '/logout', leaving);
      const out = await app.inject({
        method: 'POST',
        url: '/logout',
        headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(form.token)}`,
      });
      expect(out.statusCode).toBe(303);
      expect(String(out.headers['set-cookie'])).toMatch(/sb_board_session=;/);
      // The cookie as it was before signing out (kept by another tab, or copied) opens nothing now.
      expect((await get('/view/api/queues', leaving)).statusCode).toBe(401);
      expect((await get('/view/', leaving)).headers.location).toBe('/login?next=%2Fview%2F&expired=1');
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    });

    it('sends each role to its board from /', async () => {
      expect((await get('/', cookies.viewer)).headers.location).toBe('/view/');
      expect((await get('/', cookies.operator)).headers.location).toBe('/board/');
    });

    it('keeps viewers off the operator board, pages and API alike', async () => {
      const page = await get('/board/', cookies.viewer);
      expect(page.statusCode).toBe(403);
      // A person who followed an operator's link gets a page that says why and where to go instead.
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('needs the operator role');
      expect(page.body).toContain('href="/view/"');
      expect((await get('/board/api/queues', cookies.viewer)).statusCode).toBe(403);
      expect(
        (await put(`/board/api/queues/${jobs.failed.queue}/${jobs.failed.id}/retry`, cookies.viewer)).statusCode,
      ).toBe(403);
    });

    it('serves the board pages to their roles', async () => {
      const view = await get('/view/', cookies.viewer);
      expect(view.statusCode).toBe(200);
      expect(view.headers['content-type']).toMatch(/text\/html/);
      // Bull Board resolves its assets and API calls against this base, so they stay behind /view.
      expect(view.body).toContain('<base href="/view/" />');
      expect(view.headers['x-frame-options']).toBe('DENY');
      expect((await get('/board/', cookies.operator)).statusCode).toBe(200);
      expect((await get('/view/', cookies.operator)).statusCode).toBe(200);
    });
  });

  describe('viewer', () => {
    it('sees every queue of the fleet and their jobs', async () => {
      const res = await get('/view/api/queues', cookies.viewer);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ queues: { name: string; readOnlyMode: boolean; allowRetries: boolean }[] }>();
      expect(body.queues.map((q) => q.name).sort()).toEqual(
        allQueueDefs()
          .map((d) => d.queueName)
          .sort(),
      );
      expect(body.queues.every((q) => q.readOnlyMode && !q.allowRetries)).toBe(true);

      const active = await get(
        `/view/api/queues?activeQueue=${jobs.waiting.queue}&status=latest&page=1&jobsPerPage=10`,
        cookies.viewer,
      );
      const queue = active
        .json<{ queues: { name: string; jobs: { id: string; data: { ticket: Record<string, unknown> } }[] }[] }>()
        .queues.find((q) => q.name === jobs.waiting.queue);
      const job = queue?.jobs.find((j) => j.id === jobs.waiting.id);
      // Ids and non-personal fields stay; text and the customer are replaced by the marker.
      expect(job?.data.ticket).toMatchObject({
        id: 'dash-wait',
        channel: 'email',
        language: 'en',
        subject: REDACTED,
        body: REDACTED,
        customer: REDACTED,
        metadata: REDACTED,
      });
    });

    it('keeps ids, team, category, priority and reasons of a routed ticket, and nothing of its text', async () => {
      const res = await get(`/view/api/queues/${jobs.delayed.queue}/${jobs.delayed.id}`, cookies.viewer);
      const { job, status } = res.json<{
        status: string;
        job: { data: { route: unknown; record: { decision: unknown; raw: unknown; attempts: unknown[] } } };
      }>();
      expect(status).toBe('delayed');
      expect(job.data.route).toEqual({
        team: 'billing_support',
        via: 'human',
        escalated: true,
        reasons: ['high_priority_low_confidence'],
      });
      expect(job.data.record.decision).toEqual({
        category: 'billing',
        priority: 'high',
        team: 'billing_support',
        confidence: 0.7,
        escalation_required: false,
        rationale: REDACTED,
      });
      expect(job.data.record.raw).toBe(REDACTED);
      expect(job.data.record.attempts[0]).toMatchObject({
        tier: 'cheap',
        outcome: 'accepted',
        latencyMs: 420,
        raw: REDACTED,
      });
    });

    it('gets no ticket text from any route of the board, while the operator gets all of it', async () => {
      const all = [jobs.waiting, jobs.failed, jobs.delayed, jobs.completed, jobs.dead];
      const routes = [
        '/view/',
        '/view/queue/tickets',
        `/view/queue/${jobs.failed.queue}/${jobs.failed.id}`,
        '/view/api/queues',
        '/view/api/job-schedulers',
        '/view/api/redis/stats',
        ...allQueueDefs().flatMap((d) =>
          ['latest', 'waiting', 'failed', 'delayed', 'completed'].map(
            (status) => `/view/api/queues?activeQueue=${d.queueName}&status=${status}&page=1&jobsPerPage=50`,
          ),
        ),
        ...all.flatMap((j) => [
          `/view/api/queues/${j.queue}/${j.id}`,
          `/view/api/queues/${j.queue}/${j.id}/logs`,
          `/view/api/queues/${j.queue}/${j.id}/flow`,
        ]),
      ];
      const bodies: string[] = [];
      for (const url of routes) {
        const res = await get(url, cookies.viewer);
        expect(res.statusCode, url).toBe(200);
        bodies.push(res.body);
        for (const secret of SECRET_VALUES) expect(res.body, `${url} leaks "${secret}"`).not.toContain(secret);
      }
      // The job routes above did answer with the jobs (a 200 with nothing in it would prove nothing).
      const seen = bodies.join('\n');
      for (const j of all) expect(seen).toContain(j.id);
      expect(seen).toContain(REDACTED);

      const failed = await get(`/view/api/queues/${jobs.failed.queue}/${jobs.failed.id}`, cookies.viewer);
      expect(failed.json<{ job: { failedReason: string } }>().job.failedReason).toBe(
        'webhook refused the ticket of [email]',
      );
      expect(
        (await get(`/view/api/queues/${jobs.failed.queue}/${jobs.failed.id}/logs`, cookies.viewer)).json(),
      ).toEqual([REDACTED]);

      const operatorSees = async (url: string): Promise<string> => (await get(url, cookies.operator)).body;
      const full = [
        await operatorSees(`/board/api/queues/${jobs.waiting.queue}/${jobs.waiting.id}`),
        await operatorSees(`/board/api/queues/${jobs.delayed.queue}/${jobs.delayed.id}`),
        await operatorSees(`/board/api/queues/${jobs.failed.queue}/${jobs.failed.id}/logs`),
      ].join('\n');
      for (const secret of SECRET_VALUES) expect(full).toContain(secret);
      expect(await operatorSees(`/board/api/queues/${jobs.completed.queue}/${jobs.completed.id}`)).toContain(
        SECRETS.body,
      );
    });

    it('cannot retry, promote, clean, add or pause, and the jobs stay as they were', async () => {
      const attempts: [string, string][] = [
        ['PUT', `/view/api/queues/${jobs.failed.queue}/${jobs.failed.id}/retry`],
        ['PUT', `/view/api/queues/${jobs.failed.queue}/retry/failed`],
        ['PUT', `/view/api/queues/${jobs.delayed.queue}/${jobs.delayed.id}/promote`],
        ['PUT', `/view/api/queues/${jobs.delayed.queue}/promote`],
        ['PUT', `/view/api/queues/${jobs.waiting.queue}/${jobs.waiting.id}/clean`],
        ['PUT', `/view/api/queues/${jobs.waiting.queue}/pause`],
        ['PUT', '/view/api/queues/pause'],
        ['POST', `/view/api/queues/${jobs.waiting.queue}/add`],
        ['PATCH', `/view/api/queues/${jobs.waiting.queue}/${jobs.waiting.id}/update-data`],
      ];
      for (const [method, url] of attempts) {
        const res = await app.inject({
          method,
          url,
          headers: { cookie: cookies.viewer, 'content-type': 'application/json' },
          payload: '{}',
        });
        expect(res.statusCode, `${method} ${url}`).toBe(405);
      }
      expect(await stateOf(jobs.failed)).toBe('failed');
      expect(await stateOf(jobs.delayed)).toBe('delayed');
      expect(await stateOf(jobs.waiting)).toBe('waiting');
      expect(await queueNamed(board.queues, jobs.waiting.queue).isPaused()).toBe(false);
    });
  });

  describe('operator', () => {
    it('retries a failed job, but cannot touch the review desk’s queue', async () => {
      const retry = await put(`/board/api/queues/${jobs.failed.queue}/${jobs.failed.id}/retry`, cookies.operator);
      expect(retry.statusCode).toBe(204);
      expect(await stateOf(jobs.failed)).toBe('waiting');

      // human-review belongs to the desk: promoting, retrying or removing it here would move tickets under the reviewers.
      expect(jobs.delayed.queue).toBe('human-review');
      const promote = await put(`/board/api/queues/${jobs.delayed.queue}/${jobs.delayed.id}/promote`, cookies.operator);
      expect(promote.statusCode).toBe(405);
      expect(await stateOf(jobs.delayed)).toBe('delayed');

      // Each action leaves an audit line naming who did it.
      const actions = logLines
        .map((l) => JSON.parse(l) as { msg?: string; username?: string; url?: string })
        .filter((l) => l.msg === 'board action');
      expect(actions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            username: 'otto',
            url: `/board/api/queues/${jobs.failed.queue}/${jobs.failed.id}/retry`,
          }),
          expect.objectContaining({
            username: 'otto',
            url: `/board/api/queues/${jobs.delayed.queue}/${jobs.delayed.id}/promote`,
            statusCode: 405,
          }),
        ]),
      );
      for (const secret of SECRET_VALUES) expect(logLines.join('')).not.toContain(secret);
    });
  });
});
