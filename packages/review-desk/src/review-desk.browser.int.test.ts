import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForTicket, RoutedTicket, teamQueue } from '@switchboard/queues';
import { CRITICAL, PASSWORDS, startDeskRig, UNSURE, type DeskRig } from './testing/desk-rig.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const LEASE_MS = 2_000;

describe('review desk in a real browser', () => {
  let rig: DeskRig;
  let browser: Browser;

  const signIn = async (user: 'ana' | 'ben'): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${rig.url}/`);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(PASSWORDS[user]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${rig.url}/`);
    return page;
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    rig = await startDeskRig({ leaseMs: LEASE_MS, renewEveryMs: 400 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('a reviewer signs in, claims the most urgent ticket, corrects it and it reaches that team', async () => {
    const ana = await signIn('ana');
    const rows = ana.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute('data-ticket')).toBe(CRITICAL.ticket.id);
    expect(await rows.first().locator('.breach').textContent()).toContain('SLA breached');
    await ana.screenshot({ path: `${ARTIFACTS}review-list.png`, fullPage: true });

    await rows.first().getByRole('link').click();
    await ana.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(() => ana.locator('#resolve').isVisible()).toBe(true);
    expect(await ana.locator('#body').textContent()).toContain('checkout has been failing');
    await ana.screenshot({ path: `${ARTIFACTS}review-ticket.png`, fullPage: true });

    // A second person sees who holds it and gets no claim button.
    const ben = await signIn('ben');
    await ben.goto(`${rig.url}/tickets/${CRITICAL.ticket.id}`);
    expect(await ben.getByRole('alert').textContent()).toContain('ana is working on this ticket');
    expect(await ben.getByRole('button', { name: 'Claim this ticket' }).count()).toBe(0);

    // Choosing the category fills the team from the routing table.
    await ana.getByLabel('Category').selectOption('bug');
    expect(await ana.getByLabel('Team').inputValue()).toBe('core_eng');
    await ana.getByLabel('Priority').selectOption('high');
    await ana.getByLabel('Note').fill('checkout outage, engineering');
    await ana.getByRole('button', { name: 'Resolve and deliver to the team' }).click();
    await ana.waitForURL(/\?resolved=/);
    expect(await ana.getByRole('status').textContent()).toContain(`Ticket ${CRITICAL.ticket.id} resolved`);
    await expect.poll(() => ana.locator('tbody tr').count()).toBe(1);

    const coreEng = new Queue(teamQueue('core_eng').queueName, { connection: rig.fleet.redis, prefix: rig.prefix });
    const delivered = RoutedTicket.parse((await coreEng.getJob(jobIdForTicket(CRITICAL.ticket.id)))?.data);
    await coreEng.close();
    expect(delivered.route).toMatchObject({ team: 'core_eng', via: 'human', reasons: ['critical_keyword:urgent'] });
    await ana.context().close();
    await ben.context().close();
  }, 30_000);

  it('an open page keeps its claim alive; a closed one lets the lease expire and the ticket return', async () => {
    const ana = await signIn('ana');
    await ana.goto(`${rig.url}/tickets/${UNSURE.ticket.id}`);
    await ana.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(() => ana.locator('#resolve').isVisible()).toBe(true);

    const ben = await signIn('ben');
    // Longer than the lease: the open page renews it, so ana still holds the ticket.
    await new Promise((r) => setTimeout(r, LEASE_MS + 800));
    await ben.goto(`${rig.url}/tickets/${UNSURE.ticket.id}`);
    expect(await ben.getByRole('alert').textContent()).toContain('ana is working on this ticket');

    await ana.context().close();
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    await ben.goto(`${rig.url}/`);
    expect(await ben.locator(`tr[data-ticket="${UNSURE.ticket.id}"]`).textContent()).not.toContain('claimed by');
    await ben.goto(`${rig.url}/tickets/${UNSURE.ticket.id}`);
    await ben.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(() => ben.locator('#resolve').isVisible()).toBe(true);
    await ben.context().close();
  }, 30_000);
});
