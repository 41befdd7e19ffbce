import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForTicket, RoutedTicket, teamQueue } from '@switchboard/queues';
import { basic, CRITICAL, PASSWORDS, startDeskRig, UNSURE, type DeskRig } from './testing/desk-rig.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

describe('review desk: sessions, errors and web security in a real browser', () => {
  let rig: DeskRig;
  let browser: Browser;
  let evil: Server;
  let evilUrl: string;

  const signIn = async (user: keyof typeof PASSWORDS, page?: Page): Promise<Page> => {
    const p = page ?? (await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage());
    if (!page) await p.goto(`${rig.url}/`);
    await p.getByLabel('Username').fill(user);
    await p.getByLabel('Password').fill(PASSWORDS[user]);
    await p.getByRole('button', { name: 'Sign in' }).click();
    return p;
  };
  /** What an expired (or revoked) session looks like to the server: the cookie opens nothing any more. */
  const endAllSessions = async (): Promise<void> => {
    const keys = await rig.fleet.redis.keys(`${rig.prefix}:web-session:*`);
    if (keys.length) await rig.fleet.redis.del(...keys);
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    rig = await startDeskRig({ renewEveryMs: 300 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
    // Another origin on loopback (same site, other port): SameSite=Strict cookies still go along, so
    // only the Origin / Sec-Fetch-Site check and the CSRF token stand between it and the desk.
    evil = createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form id="f" method="post" action="${target}">
<input name="category" value="other"><input name="team" value="triage"><input name="priority" value="low">
</form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => evil?.close(r));
    await rig?.close();
  });

  it('an expired session keeps the correction and note, and the ticket resolves after signing in again', async () => {
    const ana = await signIn('ana');
    await ana.waitForURL(`${rig.url}/`);
    await ana.goto(`${rig.url}/tickets/${CRITICAL.ticket.id}`);
    await ana.getByRole('button', { name: 'Claim this ticket' }).click();
    await ana.getByLabel('Category').selectOption('bug');
    await ana.getByLabel('Priority').selectOption('high');
    await ana.getByLabel('Note').fill('checkout outage: engineering, not billing');

    await endAllSessions();
    // The lease renewal meets the 401: the page says so, with a sign-in that comes back here.
    const banner = ana.locator('#session-expired');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Your session expired');
    expect(await ana.locator('#lease').textContent()).toContain('your correction is kept');
    await ana.screenshot({ path: `${ARTIFACTS}session-expired-banner.png` });

    // Resolve anyway (as people do): the login page says why, not a bare form.
    await ana.getByRole('button', { name: 'Resolve and deliver to the team' }).click();
    await ana.waitForURL(/\/login\?/);
    expect(await ana.getByRole('status').textContent()).toContain('Your session expired');
    await ana.screenshot({ path: `${ARTIFACTS}session-expired-login.png` });
    await signIn('ana', ana);

    // Back on the ticket page, not a raw 404, with what she had typed.
    await ana.waitForURL(`${rig.url}/tickets/${CRITICAL.ticket.id}`);
    if (await ana.getByRole('button', { name: 'Claim this ticket' }).count())
      await ana.getByRole('button', { name: 'Claim this ticket' }).click();
    await ana.locator('#draft-restored').waitFor();
    expect(await ana.getByLabel('Category').inputValue()).toBe('bug');
    expect(await ana.getByLabel('Team').inputValue()).toBe('core_eng');
    expect(await ana.getByLabel('Priority').inputValue()).toBe('high');
    expect(await ana.getByLabel('Note').inputValue()).toBe('checkout outage: engineering, not billing');
    await ana.screenshot({ path: `${ARTIFACTS}session-restored-correction.png`, fullPage: true });

    // A second tab still shows the form: after this resolve, its submit is the "Back and Resolve again" case.
    const stale = await ana.context().newPage();
    await stale.goto(`${rig.url}/tickets/${CRITICAL.ticket.id}`);

    await ana.getByRole('button', { name: 'Resolve and deliver to the team' }).click();
    await ana.waitForURL(/\?resolved=/);
    const coreEng = new Queue(teamQueue('core_eng').queueName, { connection: rig.fleet.redis, prefix: rig.prefix });
    const delivered = RoutedTicket.parse((await coreEng.getJob(jobIdForTicket(CRITICAL.ticket.id)))?.data);
    await coreEng.close();
    expect(delivered.route).toMatchObject({ team: 'core_eng', via: 'human' });
    // The kept draft is gone once the ticket is resolved.
    expect(
      await ana.evaluate(
        (key) =>
          (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
            key,
          ),
        `sb-desk-draft:${CRITICAL.ticket.id}`,
      ),
    ).toBeNull();

    const again = await Promise.all([
      stale.waitForResponse((r) => r.url().endsWith('/resolve')),
      stale.getByRole('button', { name: 'Resolve and deliver to the team' }).click(),
    ]);
    expect(again[0].status()).toBe(409);
    expect(await stale.getByRole('heading', { level: 1 }).textContent()).toBe('Already resolved');
    expect(await stale.getByRole('alert').textContent()).toMatch(
      /already resolved by ana at \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    await stale.screenshot({ path: `${ARTIFACTS}error-409-already-resolved.png` });

    // A GET on an action (a reload, a sign-in that returned there) goes to the ticket, not a raw 404.
    await stale.goto(`${rig.url}/tickets/${UNSURE.ticket.id}/resolve`);
    expect(new URL(stale.url()).pathname).toBe(`/tickets/${UNSURE.ticket.id}`);
    await ana.context().close();
  }, 60_000);

  it('error pages are HTML pages for people: 404, 403 for a role without access', async () => {
    const ana = await signIn('ana');
    await ana.waitForURL(`${rig.url}/`);
    const missing = await ana.goto(`${rig.url}/no/such/page`);
    expect(missing?.status()).toBe(404);
    expect(missing?.headers()['content-type']).toMatch(/text\/html/);
    expect(await ana.getByRole('heading', { level: 1 }).textContent()).toBe('Nothing here');
    await ana.screenshot({ path: `${ARTIFACTS}error-404.png` });
    const gone = await ana.goto(`${rig.url}/tickets/never-escalated`);
    expect(gone?.status()).toBe(404);
    expect(await ana.getByRole('alert').textContent()).toContain('not waiting for review');

    const vic = await signIn('vic');
    await vic.waitForURL(`${rig.url}/`);
    expect(await vic.getByRole('heading', { level: 1 }).textContent()).toBe('Not open to your role');
    expect(await vic.getByRole('alert').textContent()).toContain('needs the reviewer role');
    await vic.screenshot({ path: `${ARTIFACTS}error-403.png` });
    await ana.context().close();
    await vic.context().close();
  }, 30_000);

  it('refuses a cross-origin form post even with a valid session, and one with Basic credentials', async () => {
    const ben = await signIn('ben');
    await ben.waitForURL(`${rig.url}/`);
    await ben.goto(`${rig.url}/tickets/${UNSURE.ticket.id}`);
    await ben.getByRole('button', { name: 'Claim this ticket' }).click();
    await ben.locator('#resolve').waitFor();
    const [refused] = await Promise.all([
      ben.waitForResponse((r) => r.url().endsWith('/resolve')),
      ben.goto(`${evilUrl}/?target=${encodeURIComponent(`${rig.url}/tickets/${UNSURE.ticket.id}/resolve`)}`),
    ]);
    expect(refused.status()).toBe(403);
    await ben.waitForURL(`${rig.url}/tickets/${UNSURE.ticket.id}/resolve`);
    expect(await ben.getByRole('alert').textContent()).toContain('came from another site');
    await ben.screenshot({ path: `${ARTIFACTS}csrf-refused.png` });
    // Still waiting: nothing was resolved.
    expect((await rig.desk.item(UNSURE.ticket.id)).claim?.reviewer).toBe('ben');

    const api = await fetch(`${rig.url}/api/tickets/${UNSURE.ticket.id}/release`, {
      method: 'POST',
      headers: { authorization: basic('ben'), origin: evilUrl, 'sec-fetch-site': 'same-site' },
    });
    expect(api.status).toBe(403);
    expect((await rig.desk.item(UNSURE.ticket.id)).claim?.reviewer).toBe('ben');
    // The same call from a tool (no Origin, no Sec-Fetch-Site) goes through.
    const tool = await fetch(`${rig.url}/api/tickets/${UNSURE.ticket.id}/release`, {
      method: 'POST',
      headers: { authorization: basic('ben') },
    });
    expect(tool.status).toBe(200);
    await ben.context().close();
  }, 30_000);

  it('throttles sign-in: after the free attempts the login page answers 429 with Retry-After', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${rig.url}/login`);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Username').fill('mallory');
      await page.getByLabel('Password').fill(`guess-${i}`);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      statuses.push(res.status());
      retryAfter = res.headers()['retry-after'];
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(await page.getByRole('alert').textContent()).toContain('Too many failed sign-ins for this user');
    await page.screenshot({ path: `${ARTIFACTS}login-throttled.png` });
    await page.context().close();
  }, 30_000);
});
