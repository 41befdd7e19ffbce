import { redisSessionStore } from '@switchboard/web-auth';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, dropPrefix, testLogger, uniquePrefix } from '@switchboard/testkit';
import { openBoardQueues, type BoardQueues } from './board-queues.js';
import { REDACTED } from './redact.js';
import { buildDashboardServer, type DashboardServer } from './server.js';
import {
  PASSWORDS,
  SECRET_VALUES,
  SESSION_SECRET,
  seedJobs,
  testUsers,
  type SeededJobs,
} from './testing/dashboard-fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
// Debian's Chromium: playwright-core ships no browser, and downloading one is not part of the test.
const CHROMIUM = '/usr/bin/chromium';

describe('dashboard in a real browser', { timeout: 60_000 }, () => {
  const prefix = uniquePrefix('dashboard-ui');
  let board: BoardQueues;
  let app: DashboardServer;
  let browser: Browser;
  let base: string;
  let jobs: SeededJobs;

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
      logger: testLogger('dashboard'),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    jobs = await seedJobs(board.queues, prefix);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await board?.close();
    await dropPrefix(prefix);
  });

  it('signs a viewer in, shows the queues and the jobs, and no ticket text', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // Nothing from outside the test server: the board's web font would only make the test depend on the network.
    await context.route(
      (url) => !url.href.startsWith(base),
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const apiBodies: Promise<string>[] = [];
    page.on('response', (res: Response) => {
      if (res.url().includes('/api/')) apiBodies.push(res.text().catch(() => ''));
    });

    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Username').fill('vera');
    await page.getByLabel('Password').fill(PASSWORDS.viewer);
    await Promise.all([page.waitForURL(`${base}/view/`), page.getByRole('button', { name: 'Sign in' }).click()]);

    // The overview lists the fleet's queues.
    for (const name of ['tickets', 'decisions', 'human-review', 'dead-letter']) {
      await page.getByText(name, { exact: true }).first().waitFor();
    }

    // A queue page shows its jobs with their data: the ticket's id, and the marker where its text was.
    await page.goto(`${base}/view/queue/${jobs.waiting.queue}`);
    await page.getByText(jobs.waiting.id).first().waitFor();
    await page.getByText(REDACTED).first().waitFor();

    const html = await page.content();
    const text = await page.locator('body').innerText();
    for (const secret of SECRET_VALUES) {
      expect(html, `page leaks "${secret}"`).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
    const fetched = await Promise.all(apiBodies);
    expect(fetched.length).toBeGreaterThan(0);
    for (const body of fetched) for (const secret of SECRET_VALUES) expect(body).not.toContain(secret);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}viewer-board.png`, fullPage: true });
    await context.close();
  });
});
