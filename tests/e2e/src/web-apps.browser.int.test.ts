import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { buildDashboardServer, openBoardQueues, type BoardQueues } from '@switchboard/dashboard';
import { teamDelivery, type TeamDelivery } from '@switchboard/lifecycle';
import { humanReviewQueue, jobIdForTicket, openFleetContext, openQueue, type FleetContext } from '@switchboard/queues';
import { buildReviewServer, ReviewDesk, ReviewDeskConfig } from '@switchboard/review-desk';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { hashPassword, redisSessionStore } from '@switchboard/web-auth';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const PASSWORD = 'admin pass phrase';
const TICKET = 'web-1';

/**
 * The review desk and the dashboard as `npm start` runs them: one host, two ports, one `admin` user
 * with every role ("both: user admin"), sessions in the same Redis.
 */
describe('the review desk and the dashboard side by side in a real browser', () => {
  const prefix = uniquePrefix('web-apps');
  let fleet: FleetContext;
  let board: BoardQueues;
  let delivery: TeamDelivery;
  let desk: ReviewDesk;
  let deskApp: Awaited<ReturnType<typeof buildReviewServer>>;
  let boardApp: Awaited<ReturnType<typeof buildDashboardServer>>;
  let deskUrl: string;
  let boardUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const users = [
      {
        username: 'admin',
        roles: ['viewer', 'operator', 'reviewer'] as ('viewer' | 'operator' | 'reviewer')[],
        passwordHash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
      },
    ];
    const secret = 'one-secret-for-both-apps-0123456789abcdef';
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 8,
    });
    await openQueue(humanReviewQueue, fleet.ctx).add(jobIdForTicket(TICKET), {
      ticket: {
        id: TICKET,
        subject: 'Refund twice',
        body: 'I was charged twice.',
        receivedAt: new Date().toISOString(),
      },
      record: {
        outcome: 'low_confidence',
        tier: 'local',
        model: null,
        promptVersion: 'v1',
        decision: null,
        raw: null,
        criticalKeyword: null,
        failureReasons: [],
        notes: [],
        attempts: [],
        totals: { latencyMs: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 },
        decidedAt: new Date().toISOString(),
      },
      route: { team: 'triage', via: 'human', escalated: true, reasons: ['low_confidence'] },
      routedAt: new Date().toISOString(),
    });
    delivery = teamDelivery(fleet.ctx, { webhookTeams: new Set(), webhookAttempts: 1, webhookBackoffMs: 1_000 });
    desk = new ReviewDesk(ReviewDeskConfig.parse({}), {
      redis: fleet.redis,
      prefix,
      store: fleet.store,
      stats: fleet.stats,
      delivery,
      pilot: fleet.pilot,
      routing: DEFAULT_ROUTING_TABLE,
      log: testLogger(),
    });
    deskApp = await buildReviewServer({
      desk,
      logger: testLogger(),
      auth: {
        users,
        secret,
        sessionTtlMs: 3_600_000,
        sessions: redisSessionStore(fleet.redis, `${prefix}:web-session:review-desk`),
        secureCookie: false,
      },
    });
    deskUrl = await deskApp.listen({ port: 0, host: '127.0.0.1' });
    board = await openBoardQueues({ redisUrl: TEST_REDIS_URL, prefix, logger: testLogger() });
    boardApp = await buildDashboardServer({
      queues: board.entries,
      deadLetters: board,
      redis: board.redis,
      users,
      sessionSecret: secret,
      sessionTtlMs: 3_600_000,
      sessions: redisSessionStore(board.redis, `${prefix}:web-session:dashboard`),
      secureCookie: false,
      sessionCheckMs: 500,
      logger: testLogger(),
    });
    boardUrl = await boardApp.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await boardApp?.close();
    await deskApp?.close();
    await board?.close();
    await desk?.close();
    await delivery?.close();
    await fleet?.close();
    await dropPrefix(prefix);
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Nothing from outside the test servers (Bull Board asks for a web font).
    await context.route(
      (url) => !url.href.startsWith(deskUrl) && !url.href.startsWith(boardUrl),
      (route) => route.abort(),
    );
    return context.newPage();
  };
  const signIn = async (page: Page, url: string): Promise<void> => {
    await page.goto(url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  };

  it('signing in to the board leaves the desk signed in, and the other way round', async () => {
    const page = await newPage();
    await signIn(page, `${deskUrl}/`);
    await signIn(page, `${boardUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/board/');
    await page.goto(`${deskUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Waiting for a person');
    await page.screenshot({ path: `${ARTIFACTS}desk-still-signed-in.png` });
    // Signing in again on the desk does not end the board's session either.
    await page.context().clearCookies({ name: 'sb_desk_session' });
    await signIn(page, `${deskUrl}/`);
    await page.goto(`${boardUrl}/board/`);
    expect(new URL(page.url()).pathname).toBe('/board/');
    const names = (await page.context().cookies()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['sb_desk_session', 'sb_board_session']));
    await page.context().close();
  }, 60_000);

  it('every page route of both apps sends the security headers and breaks no CSP rule', async () => {
    const page = await newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      // Bull Board's web font from Google is refused by design (nothing loads from elsewhere).
      if (/Content Security Policy/i.test(m.text()) && !m.text().includes('fonts.googleapis.com'))
        violations.push(`${page.url()}: ${m.text()}`);
    });
    const check = async (url: string, shot: string, status = 200): Promise<void> => {
      const res = (await page.goto(url)) as Response;
      // Pages that redirect (/, the login when signed in) are checked where they land.
      expect(res.status(), url).toBe(status);
      const h = res.headers();
      const csp = h['content-security-policy'] ?? '';
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toMatch(/script-src 'self'(;|$)/);
      // Inline style only for Bull Board's bundled UI; never on the desk's or the login's pages.
      if (!/\/(board|view)\//.test(res.url())) expect(csp, url).not.toContain('unsafe-inline');
      expect(h['x-content-type-options'], url).toBe('nosniff');
      expect(h['referrer-policy'], url).toBe('same-origin');
      expect(h['cache-control'], url).toBe('no-store');
      // Plain HTTP here: HSTS only comes with a Secure cookie.
      expect(h['strict-transport-security'], url).toBeUndefined();
      await page.waitForLoadState('load');
      // Bull Board renders after its script has fetched the queues; the desk's pages are ready at load.
      if (/\/(board|view)\//.test(res.url()))
        await page
          .getByText(/Waiting|Active|Completed/i)
          .first()
          .waitFor();
      await page.screenshot({ path: `${ARTIFACTS}${shot}.png` });
    };
    await check(`${deskUrl}/login`, 'route-desk-login');
    await check(`${boardUrl}/login`, 'route-board-login');
    await signIn(page, `${deskUrl}/`);
    await signIn(page, `${boardUrl}/`);
    await check(`${deskUrl}/`, 'route-desk-list');
    await check(`${deskUrl}/tickets/${TICKET}`, 'route-desk-ticket');
    await page.getByRole('button', { name: 'Claim this ticket' }).click();
    await page.locator('#resolve').waitFor();
    await check(`${deskUrl}/tickets/${TICKET}`, 'route-desk-ticket-claimed');
    await check(`${deskUrl}/tickets/${TICKET}/resolve`, 'route-desk-action-get');
    // The shift's routes: the list fragment desk.js fetches, and claim next's address opened by hand.
    await check(`${deskUrl}/list-fragment`, 'route-desk-list-fragment');
    await check(`${deskUrl}/claim-next`, 'route-desk-claim-next-get');
    expect(new URL(page.url()).pathname).toBe('/');
    await check(`${deskUrl}/tickets/not-waiting`, 'route-desk-not-waiting', 404);
    await check(`${deskUrl}/nowhere`, 'route-desk-404', 404);
    await check(`${boardUrl}/`, 'route-board-root');
    await check(`${boardUrl}/board/`, 'route-board-operator');
    await check(`${boardUrl}/board/queue/tickets`, 'route-board-queue');
    await check(`${boardUrl}/view/`, 'route-board-viewer');
    await check(`${boardUrl}/view/queue/human-review`, 'route-board-viewer-queue');
    await check(`${boardUrl}/logout`, 'route-board-logout');
    // The on-call pages: dead-letter replay (its own stylesheet file) and its form's address opened by hand.
    await check(`${boardUrl}/dead-letter`, 'route-board-dead-letter');
    await check(`${boardUrl}/dead-letter/replay`, 'route-board-dead-letter-replay-get');
    expect(new URL(page.url()).pathname).toBe('/dead-letter');
    await check(`${boardUrl}/nowhere`, 'route-board-404', 404);
    expect(violations).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('an open board whose session ends says so and signs in back to the same page', async () => {
    const page = await newPage();
    await signIn(page, `${boardUrl}/board/queue/tickets`);
    expect(new URL(page.url()).pathname).toBe('/board/queue/tickets');
    const keys = await board.redis.keys(`${prefix}:web-session:dashboard:*`);
    await board.redis.del(...keys);
    const banner = page.locator('#session-expired');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Your session expired');
    await page.screenshot({ path: `${ARTIFACTS}board-session-expired.png` });
    await page.getByRole('link', { name: 'Sign in again' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Your session expired');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${boardUrl}/board/queue/tickets`);
    await page.context().close();
  }, 60_000);
});
