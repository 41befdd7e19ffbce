import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@switchboard/runtime';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '@switchboard/testkit';
import { redisSessionStore } from '@switchboard/web-auth';
import { flowOrderedDefs, openBoardQueues, type BoardQueues } from './board-queues.js';
import { boardName } from './mount-board.js';
import { buildDashboardServer, type DashboardServer } from './server.js';
import { PASSWORDS, SESSION_SECRET, seedJobs, testUsers, type SeededJobs } from './testing/dashboard-fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** Buttons and links with no accessible name, from Chromium's own accessibility tree. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: { role?: { value?: string }; name?: { value?: string }; ignored?: boolean; backendDOMNodeId?: number }[];
  };
  await cdp.detach();
  return nodes
    .filter((n) => !n.ignored && ['button', 'link', 'checkbox', 'combobox'].includes(n.role?.value ?? ''))
    .filter((n) => !(n.name?.value ?? '').trim())
    .map((n) => `${n.role?.value} #${n.backendDOMNodeId}`);
}

describe('the board for on-call, in a real browser', { timeout: 60_000 }, () => {
  const prefix = uniquePrefix('dashboard-oncall');
  let board: BoardQueues;
  let app: DashboardServer;
  let browser: Browser;
  let base: string;
  let jobs: SeededJobs;
  const logLines: string[] = [];

  /** What Chromium reported as blocked by the CSP on any page of these tests: must stay empty. */
  const cspViolations: string[] = [];

  const signIn = async (as: 'otto' | 'vera' = 'otto'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route(
      (url) => !url.href.startsWith(base),
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      // Bull Board's template asks Google for a web font: blocked on purpose (the board stays on system
      // fonts and tells nobody outside who is on call). Anything else blocked would be ours, and broken.
      if (/Content Security Policy/i.test(m.text()) && !m.text().includes('https://fonts.googleapis.com/'))
        cspViolations.push(`${page.url()}: ${m.text()}`);
    });
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill(as);
    await page.getByLabel('Password').fill(as === 'otto' ? PASSWORDS.operator : PASSWORDS.viewer);
    await Promise.all([
      page.waitForURL(`${base}${as === 'otto' ? '/board/' : '/view/'}`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    return page;
  };

  beforeAll(async () => {
    const logger = createLogger(
      { name: 'dashboard', level: 'info' },
      new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }),
    );
    board = await openBoardQueues({ redisUrl: TEST_REDIS_URL, prefix, logger });
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
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    jobs = await seedJobs(board.queues, prefix);
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await board?.close();
    await dropPrefix(prefix);
  });

  it('shows the queues in flow order, with no "No workers" alarm on queues nothing in the fleet consumes', async () => {
    const page = await signIn();
    const expected = flowOrderedDefs().map((d) => boardName(d.queueName));
    expect(expected.slice(0, 3)).toEqual(['1 · tickets', '2 · decisions', '3 · human-review']);
    expect(expected.slice(-2)).toEqual(['8 · alerts', '9 · tier-checks']);
    await page.getByRole('link', { name: '9 · tier-checks' }).first().waitFor();
    const main = page.locator('main');
    const titles = await Promise.all(
      (await main.locator('a[title]').all()).map(async (a) => (await a.getAttribute('title')) ?? ''),
    );
    expect(titles.filter((t) => /^\d · /.test(t))).toEqual(expected);

    // No worker runs in this test: the fleet's own queues rightly say so, the others say who consumes them.
    const fleetConsumed = flowOrderedDefs().filter((d) => !d.doc.outsideFleet).length;
    await expect.poll(() => main.getByText('No workers', { exact: true }).count()).toBe(fleetConsumed);
    const reviewCard = main.locator('[class*="card"]', { has: page.getByRole('link', { name: '3 · human-review' }) });
    expect(await reviewCard.getByText('No workers', { exact: true }).count()).toBe(0);
    const res = await page.request.get(`${base}/board/api/queues`);
    const { queues } = (await res.json()) as {
      queues: { name: string; description?: string; readOnlyMode: boolean; hasWorkers: boolean | null }[];
    };
    const review = queues.find((q) => q.name === 'human-review');
    expect(review).toMatchObject({ readOnlyMode: true, hasWorkers: null });
    expect(review?.description).toContain('No fleet worker consumes this queue: people, at the review desk');
    expect(queues.find((q) => q.name === 'tickets')).toMatchObject({ readOnlyMode: false, hasWorkers: false });

    await expect.poll(() => unnamedControls(page)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Actions for 1 · tickets' }).count()).toBe(1);
    // Both scripts the board page gets are files, and ran: the a11y names above, the session watcher here.
    const scripts = await Promise.all((await page.locator('script[src]').all()).map((s) => s.getAttribute('src')));
    expect(scripts).toEqual(expect.arrayContaining(['/assets/board-a11y.js', '/_auth/session.js']));
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}oncall-board.png`, fullPage: true });
    await page.context().close();
  });

  it('keeps human-review read-only for operators: the desk owns it', async () => {
    const page = await signIn();
    await page.goto(`${base}/board/queue/human-review?status=delayed`);
    await page.getByText(jobs.delayed.id).first().waitFor();
    for (const action of [/^Promote/, /^Remove/, /^Retry/, /^Clean/]) {
      expect(await page.getByRole('button', { name: action }).count(), String(action)).toBe(0);
    }
    await page.screenshot({ path: `${ARTIFACTS}oncall-human-review.png`, fullPage: true });
    const refused = await page.request.put(`${base}/board/api/queues/human-review/${jobs.delayed.id}/promote`);
    expect(refused.status()).toBe(405);
    const job = await board.queues.find((q) => q.name === 'human-review')?.getJob(jobs.delayed.id);
    expect(await job?.getState()).toBe('delayed');
    await page.context().close();
  });

  it('replays a dead-lettered job from the web, through the ops replay, logged with the operator', async () => {
    const page = await signIn();
    await page.getByRole('button', { name: 'Menu: dead-letter replay and sign out' }).click();
    await page.getByRole('menuitem', { name: 'Dead-letter replay' }).click();
    await page.waitForURL(`${base}/dead-letter`);
    expect(await page.locator('h1').textContent()).toBe('Dead-lettered jobs (1)');
    expect(await unnamedControls(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}oncall-dead-letter.png`, fullPage: true });
    await page.getByLabel(`Replay ${jobs.dead.id}`).check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.getByRole('status').textContent()).toBe(`Replayed 1: ${jobs.dead.id}.`);
    expect(await page.locator('h1').textContent()).toBe('Dead-lettered jobs (0)');
    await page.screenshot({ path: `${ARTIFACTS}oncall-dead-letter-replayed.png`, fullPage: true });

    // Back on its queue under its original id, as `ops dead-letter replay` would leave it.
    const tickets = board.queues.find((q) => q.name === 'tickets');
    expect(await (await tickets?.getJob('t-dash-dead'))?.getState()).toBe('waiting');
    const line = logLines
      .map((l) => JSON.parse(l) as { msg?: string; username?: string; replayed?: string[] })
      .find((l) => l.msg === 'dead letters replayed from the board');
    expect(line).toMatchObject({ username: 'otto', replayed: [jobs.dead.id] });

    // A viewer may not: the page is a 403 page that says why, and a replay posted with a valid
    // session and CSRF token (from the sign-out form) is refused the same way; nothing is replayed.
    const vera = await signIn('vera');
    const denied = await vera.goto(`${base}/dead-letter`);
    expect(denied?.status()).toBe(403);
    expect(await vera.getByRole('alert').textContent()).toContain('needs the operator role');
    await vera.goto(`${base}/logout`);
    const token = await vera.locator('input[name="_csrf"]').getAttribute('value');
    const refused = await vera.request.post(`${base}/dead-letter/replay`, {
      form: { all: '1', _csrf: token ?? '' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    expect(logLines.filter((l) => l.includes('dead letters replayed from the board'))).toHaveLength(1);
    await vera.context().close();
    // Not even a form without a token from an operator's own session: CSRF holds on the new page too.
    const forged = await page.request.post(`${base}/dead-letter/replay`, { form: { all: '1' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form is out of date');
    expect(cspViolations).toEqual([]);
    await page.context().close();
  });
});
