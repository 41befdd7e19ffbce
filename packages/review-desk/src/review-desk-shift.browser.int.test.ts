import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import { loadLocalModel } from '@switchboard/local-model';
import { humanReviewQueue, jobIdForTicket, openQueue, type RoutedTicket } from '@switchboard/queues';
import { localSuggester } from './local-suggester.js';
import { CRITICAL, PASSWORDS, startDeskRig, type DeskRig } from './testing/desk-rig.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const MODEL = fileURLToPath(new URL('../../../models/local-default.json', import.meta.url));
const TZ = 'Europe/Istanbul';

const decided = (priority: 'high' | 'low', confidence: number): DecisionRecord => ({
  outcome: 'low_confidence',
  tier: 'local',
  model: 'local-test',
  promptVersion: null,
  decision: {
    category: 'billing',
    priority,
    team: 'billing_support',
    confidence,
    escalation_required: false,
    rationale: `local p=${confidence.toFixed(3)} priority p=0.589`,
  },
  raw: null,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
});

const routed = (ticket: Ticket, record: DecisionRecord): RoutedTicket => ({
  ticket,
  record,
  route: { team: 'billing_support', via: 'human', escalated: true, reasons: ['low_confidence'] },
  routedAt: new Date().toISOString(),
});

const HIGH_NEW = routed(
  {
    id: 'rv-high-new',
    subject: 'Refund for a double charge',
    body: 'You charged my card twice this morning.',
    customer: { email: 'kim@example.org', tier: 'pro' },
    receivedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  },
  decided('high', 0.41),
);
const LOW_OLD = routed(
  {
    id: 'rv-low-old',
    subject: 'Question about invoices',
    body: 'Where do I find last year’s invoices?',
    receivedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
  },
  decided('low', 0.5),
);
const LONG = routed(
  {
    id: 'rv-long',
    subject: 'Long story about our billing history',
    body: Array.from(
      { length: 120 },
      (_, i) => `Line ${i + 1}: we have been customers for years and the invoices keep changing.`,
    ).join('\n'),
    customer: { email: 'long@example.com', tier: 'enterprise' },
    receivedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
  },
  decided('low', 0.3),
);

describe('review desk for a full shift, in a real browser', () => {
  let rig: DeskRig;
  let browser: Browser;
  /** What Chromium blocked under the desk's strict CSP (no inline script or style): must stay empty. */
  const cspViolations: string[] = [];

  const signIn = async (user: 'ana' | 'ben'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: TZ });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
    });
    await page.goto(`${rig.url}/`);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(PASSWORDS[user]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${rig.url}/`);
    return page;
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const model = await loadLocalModel(MODEL);
    rig = await startDeskRig({}, { suggest: localSuggester(() => model) });
    const review = openQueue(humanReviewQueue, rig.fleet.ctx);
    for (const t of [HIGH_NEW, LOW_OLD, LONG]) await review.add(jobIdForTicket(t.ticket.id), t);
    await review.close();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('claim next takes the most urgent unclaimed ticket, and a critical one starts from the local model’s guess', async () => {
    const ana = await signIn('ana');
    expect(await ana.locator('#waiting-summary').textContent()).toContain('5 waiting');
    expect(await ana.getByRole('complementary', { name: 'Keyboard shortcuts' }).textContent()).toContain(
      'claim the next (most urgent unclaimed) ticket',
    );
    await ana.screenshot({ path: `${ARTIFACTS}shift-list.png`, fullPage: true });
    // Claim next is a form like the others: without the page's CSRF token it is refused.
    const forged = await ana.request.post(`${rig.url}/claim-next`, { form: {}, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form is out of date');

    // The key `n`: the critical ticket (high, waiting two hours) comes before a newer high one.
    await ana.keyboard.press('n');
    await ana.waitForURL(`${rig.url}/tickets/${CRITICAL.ticket.id}`);
    const customer = await ana.locator('.customer').textContent();
    expect(customer).toContain('ops@shop.example');
    expect(customer).toContain('enterprise');
    const why = await ana.locator('.reason').first().textContent();
    expect(why).toContain('Critical word “urgent”');
    expect(why).toContain('critical_keyword:urgent');
    // Local time in the reader's zone, not raw UTC.
    const received = new Intl.DateTimeFormat('en-GB', {
      timeZone: TZ,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(CRITICAL.ticket.receivedAt));
    expect(await ana.locator('.desk-ticket time.local-time').first().textContent()).toContain(received);
    expect(await ana.locator('.desk-ticket .waiting').first().textContent()).toMatch(/^waiting 2 h \d+ min$/);
    // No tier decided; the in-process model's guess is shown as such and fills the form.
    const guess = await ana.locator('#local-suggestion').textContent();
    expect(guess).toContain("Local model's guess");
    expect(guess).toContain('technical');
    expect(await ana.getByLabel('Category').inputValue()).toBe('technical');
    expect(await ana.getByLabel('Team').inputValue()).toBe('tech_support');
    expect(await ana.getByLabel('Priority').inputValue()).toBe('high');
    await ana.screenshot({ path: `${ARTIFACTS}shift-critical-ticket.png`, fullPage: true });

    // Ben's "claim next" skips the ticket ana holds.
    const ben = await signIn('ben');
    await ben.getByRole('button', { name: /Claim next/ }).click();
    await ben.waitForURL(`${rig.url}/tickets/${HIGH_NEW.ticket.id}`);
    expect(await ben.locator('.customer').textContent()).toContain('kim@example.org');
    expect(await ben.locator('#body').textContent()).toContain('charged my card twice');
    expect(await ben.getByText('Local model: 41% sure of the category, 59% of the priority').count()).toBe(1);

    // `x` releases, `c` claims again, `r` resolves with the form as it stands.
    await ben.keyboard.press('x');
    await ben.waitForURL(/\?released=rv-high-new/);
    await ben.goto(`${rig.url}/tickets/${HIGH_NEW.ticket.id}`);
    await ben.keyboard.press('c');
    await expect.poll(() => ben.locator('#resolve').isVisible()).toBe(true);
    await ben.keyboard.press('r');
    await ben.waitForURL(/\?resolved=rv-high-new/);
    expect(cspViolations).toEqual([]);
    await ana.context().close();
    await ben.context().close();
  }, 40_000);

  it('a new ticket appears in the open list within 10 s, without a reload', async () => {
    const ana = await signIn('ana');
    // A marker on the page's global object: a reload would drop it.
    await ana.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const before = Number(await ana.locator('#waiting-summary').getAttribute('data-total'));
    const fresh = routed(
      {
        id: 'rv-fresh',
        subject: 'Brand new urgent-ish question',
        body: 'Just arrived.',
        customer: { email: 'new@example.net', tier: 'free' },
        receivedAt: new Date().toISOString(),
      },
      decided('high', 0.2),
    );
    const review = openQueue(humanReviewQueue, rig.fleet.ctx);
    const added = Date.now();
    await review.add(jobIdForTicket(fresh.ticket.id), fresh);
    await review.close();
    await ana.locator('tr[data-ticket="rv-fresh"]').waitFor({ timeout: 10_000 });
    const tookMs = Date.now() - added;
    expect(tookMs).toBeLessThan(10_000);
    expect(await ana.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(Number(await ana.locator('#waiting-summary').getAttribute('data-total'))).toBe(before + 1);
    expect(await ana.locator('h1').textContent()).toBe(`Waiting for a person (${before + 1})`);
    expect(await ana.title()).toContain(`(${before + 1})`);
    expect(await ana.locator('tr[data-ticket="rv-fresh"]').textContent()).toContain('new@example.net');
    console.log(`new ticket shown ${tookMs} ms after it was queued`);
    await ana.screenshot({ path: `${ARTIFACTS}shift-list-refreshed.png`, fullPage: true });
    expect(cspViolations).toEqual([]);
    await ana.context().close();
  }, 30_000);

  it('an open list whose session ends says so within one refresh, keeps the list, and signs in back to it', async () => {
    const ana = await signIn('ana');
    const keys = await rig.fleet.redis.keys(`${rig.prefix}:web-session:*`);
    if (keys.length) await rig.fleet.redis.del(...keys);
    // The list refresh meets the 401 (JSON, no Basic prompt) and hands it to the login's session watcher.
    const banner = ana.locator('#session-expired');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Your session expired');
    // The list is left as it was: no login form swapped into it.
    expect(await ana.locator('#queue h1').textContent()).toMatch(/^Waiting for a person \(\d+\)$/);
    expect(await ana.locator('#queue input[name="password"]').count()).toBe(0);
    await ana.screenshot({ path: `${ARTIFACTS}shift-list-session-expired.png` });
    await ana.getByRole('link', { name: 'Sign in again' }).click();
    await ana.waitForURL(/\/login\?/);
    await ana.getByLabel('Username').fill('ana');
    await ana.getByLabel('Password').fill(PASSWORDS.ana);
    await ana.getByRole('button', { name: 'Sign in' }).click();
    await ana.waitForURL(`${rig.url}/`);
    expect(await ana.locator('#waiting-summary').count()).toBe(1);
    expect(cspViolations).toEqual([]);
    await ana.context().close();
  }, 30_000);

  it('a long ticket and its resolve form sit side by side: the form is in view at 1280×800', async () => {
    const ana = await signIn('ana');
    await ana.goto(`${rig.url}/tickets/${LONG.ticket.id}`);
    await ana.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(() => ana.locator('#resolve').isVisible()).toBe(true);
    const body = await ana.locator('#body').boundingBox();
    const resolve = await ana.getByRole('button', { name: 'Resolve and deliver to the team' }).boundingBox();
    expect(body && body.height).toBeGreaterThan(800);
    expect(resolve).not.toBeNull();
    expect((resolve?.y ?? 9e9) + (resolve?.height ?? 0)).toBeLessThanOrEqual(800);
    expect(resolve?.x ?? 0).toBeGreaterThan((body?.x ?? 0) + (body?.width ?? 0));
    await ana.screenshot({ path: `${ARTIFACTS}shift-long-ticket.png` });
    // The stylesheet that puts them side by side is a file the CSP allows, not an inline style.
    expect(cspViolations).toEqual([]);
    // Still in view after reading down the ticket.
    await ana.mouse.wheel(0, 2_000);
    await expect
      .poll(async () => {
        const b = await ana.getByRole('button', { name: 'Resolve and deliver to the team' }).boundingBox();
        return b !== null && b.y >= 0 && b.y + b.height <= 800;
      })
      .toBe(true);
    await ana.context().close();
  }, 30_000);
});
