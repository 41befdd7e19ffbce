import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { buildTiers, FallbackView, startClassifier, type ClassifierService } from '@switchboard/classifier';
import { DecisionRecord } from '@switchboard/core';
import { promoteToBaseline } from '@switchboard/eval';
import { loadPrompt } from '@switchboard/llm';
import {
  jobIdForTicket,
  openFleetContext,
  openQueue,
  ticketsQueue,
  type FinishedTicket,
  type FleetContext,
} from '@switchboard/queues';
import { createAppMetrics, createDriftMetrics } from '@switchboard/runtime';
import {
  dropPrefix,
  startFakeSlack,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeSlack,
} from '@switchboard/testkit';
import { alertsProducer, startAlertsWorker, type Alerts } from './alerts.js';
import { DriftConfig } from './config.js';
import { DriftRunUnusable, reportWeeks, runDriftCheck, type DriftDeps } from './drift-check.js';
import { slackPoster } from './slack.js';
import { utcStamp, weeklyTitle } from './weekly-report.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
import { CHEAP, STRONG, startDriftRig, type DriftRig } from './testing/drift-rig.js';

// 200 scored tickets: 7 wrong is a 3.5-point drop, 12 wrong a 6-point drop.
const ROWS = 200;

describe('weekly drift check against a degrading provider', () => {
  let prefix: string;
  let fleet: FleetContext;
  let rig: DriftRig;
  let slack: FakeSlack;
  let alerts: Alerts;
  let alertsWorker: Worker;
  let classifier: ClassifierService;
  let deps: DriftDeps;
  let runs = 0;
  const tickets = () => openQueue(ticketsQueue, fleet.ctx);
  const gauges = createAppMetrics({ app: 'drift', processMetrics: false }).registry;
  const gauge = async (name: string): Promise<string[]> =>
    (await gauges.metrics())
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .map((l) => l.replace(/,?app="drift"/, '').replace('{}', ''));

  const texts = (kind: string): string[] =>
    slack.calls.filter((c) => String(c.params.text).includes(kind)).map((c) => String(c.params.text));
  const settle = async (expectedCalls: number): Promise<void> => {
    await waitFor(
      () => (slack.calls.length >= expectedCalls ? true : undefined),
      10_000,
      `${expectedCalls} Slack calls`,
    );
  };
  const check = () => runDriftCheck(deps, `run-${++runs}`);
  const record = (tier: 'cheap' | 'rule' | null, cost: number): DecisionRecord =>
    DecisionRecord.parse({
      outcome: tier ? 'decided' : 'critical',
      tier,
      model: tier === 'cheap' ? CHEAP : null,
      promptVersion: 'v',
      raw: null,
      decision: tier
        ? {
            category: 'billing',
            priority: 'low',
            team: 'billing_support',
            confidence: 0.9,
            escalation_required: false,
            rationale: 'r',
          }
        : null,
      criticalKeyword: tier ? null : 'urgent',
      failureReasons: [],
      attempts:
        tier === 'cheap'
          ? [
              {
                tier,
                model: CHEAP,
                outcome: 'accepted',
                raw: null,
                confidence: 0.9,
                latencyMs: 5,
                promptTokens: 1,
                completionTokens: 1,
                costUsd: cost,
              },
            ]
          : [],
      totals: { latencyMs: 5, promptTokens: 0, completionTokens: 0, costUsd: cost },
      decidedAt: new Date().toISOString(),
    });
  // Counted as escalation counts a finished ticket: with its final status, once per ticket.
  const finish = (id: string, t: FinishedTicket) =>
    fleet.store.finish(id, t.route.escalated ? 'escalated' : 'routed', {}, fleet.stats.incrementFor(t));

  /** Sends one ticket through the real classifier worker and returns its decision record. */
  const classify = async (id: string, body: string): Promise<DecisionRecord> => {
    const q = tickets();
    await q.add(jobIdForTicket(id), { ticket: { id, body, receivedAt: new Date().toISOString() } });
    await q.close();
    return waitFor(async () => (await fleet.store.get(id))?.decision, 10_000, `decision for ${id}`);
  };

  beforeAll(async () => {
    prefix = uniquePrefix('drift');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
    rig = await startDriftRig(ROWS);
    slack = await startFakeSlack();
    const config = DriftConfig.parse({
      reportDir: join(rig.dir, 'reports'),
      slackChannel: '#support-ops',
      fallbackDailyCapUsd: 0.005,
      alertBackoffMs: 20,
    });
    alerts = alertsProducer(fleet.ctx, {
      channel: config.slackChannel,
      attempts: config.alertAttempts,
      backoffMs: config.alertBackoffMs,
      log: testLogger(),
    });
    alertsWorker = startAlertsWorker(
      fleet.ctx,
      { post: slackPoster({ token: 'xoxb-test-token', apiUrl: slack.apiUrl }), channel: config.slackChannel },
      fleet.deadLetter,
    );
    deps = {
      config,
      evaluate: () => rig.evaluateCheap(),
      baselinePath: join(rig.dir, 'baseline.json'),
      strongModel: STRONG,
      fallback: fleet.fallback,
      stats: fleet.stats,
      alerts,
      log: testLogger(),
      metrics: createDriftMetrics(gauges, { log: testLogger() }),
    };
    const tiers = buildTiers(rig.config, await loadPrompt(rig.config.promptPath));
    classifier = startClassifier(rig.config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers,
      fallback: new FallbackView(fleet.fallback, rig.config.fallbackPollMs, testLogger()),
      onExhausted: fleet.deadLetter,
    });
  });
  afterAll(async () => {
    await classifier.close();
    await alertsWorker.close();
    await alerts.close();
    await fleet.close();
    await slack.close();
    await rig.close();
    await dropPrefix(prefix);
  });

  it('without a baseline, reports and says how to promote one; a steady run then sends no alert', async () => {
    const first = await check();
    expect(first.comparison).toBeNull();
    // The manager reads that there is no baseline; the engineers' appendix has the command.
    expect(first.baselineNote).toContain('There is no baseline yet');
    const report = await readFile(first.files.markdown, 'utf8');
    expect(report.slice(report.indexOf('## Appendix for engineers'))).toContain(
      `pnpm ops eval-promote ${first.files.run} --to ${deps.baselinePath}`,
    );
    await promoteToBaseline(first.files.run, deps.baselinePath);

    const steady = await check();
    expect(steady.comparison?.dropPoints).toBeCloseTo(0, 10);
    expect(steady.actions).toEqual([]);
    await settle(2);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(slack.calls.every((c) => String(c.params.text).startsWith(':memo: *Switchboard weekly report*'))).toBe(true);
    expect(slack.calls[0]?.authorization).toBe('Bearer xoxb-test-token');
    expect(slack.calls[0]?.params.channel).toBe('#support-ops');
  });

  it('a provider outage during the check is retried later, not read as drift', async () => {
    rig.outage(true);
    const before = slack.calls.length;
    await expect(check()).rejects.toThrow(DriftRunUnusable);
    rig.outage(false);
    expect((await fleet.fallback.get()).state).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.length).toBe(before);
  });

  it('a 3.5-point drop sends an alert with the numbers and the category that moved, and keeps the cheap tier', async () => {
    rig.degrade(7);
    const r = await check();
    expect(r.comparison?.dropPoints).toBeCloseTo(3.5, 5);
    expect(r.actions).toEqual(['drop_alert']);
    await settle(4);
    const [alert] = texts(':warning: *Drift:');
    expect(alert).toContain(`*Drift: ${CHEAP} fell 3.5 points on the eval set*: accuracy 100.0% → 96.5%`);
    expect(alert).toMatch(/Categories that moved: \w+ 100% → \d+% recall/);
    expect(alert).toContain('Statistically significant (paired McNemar test');
    expect((await fleet.fallback.get()).state).toBeNull();
  });

  it('a 6-point drop switches the cheap tier off: the next ticket goes to the strong tier, and the cost cap holds', async () => {
    rig.degrade(12);
    const r = await check();
    expect(r.comparison?.dropPoints).toBeCloseTo(6, 5);
    expect(r.actions).toEqual(['drop_alert', 'fallback_on']);
    await settle(7);
    expect(texts(':rotating_light: *Fallback on')[0]).toContain(
      `the cheap tier (${CHEAP}) is switched off for the classifier fleet`,
    );
    expect(texts(':rotating_light: *Fallback on')[0]).toContain(
      `now go to the strong tier (${STRONG}), within $0.01 of strong-tier spend per day`,
    );
    expect((await fleet.fallback.get()).state).toMatchObject({ cheapOff: true, by: 'drift', dailyCapUsd: 0.005 });
    expect(await gauge('switchboard_drift_eval_accuracy')).toEqual([
      `switchboard_drift_eval_accuracy{model="${CHEAP}"} 0.94`,
    ]);
    expect(await gauge('switchboard_drift_baseline_accuracy')).toEqual([
      `switchboard_drift_baseline_accuracy{model="${CHEAP}"} 1`,
    ]);
    expect(Number((await gauge('switchboard_drift_drop_points'))[0]?.split(' ')[1])).toBeCloseTo(6, 5);
    expect(await gauge('switchboard_fallback_active')).toEqual(['switchboard_fallback_active 1']);
    expect((await gauge('switchboard_drift_production_psi')).map((l) => l.split(' ')[0])).toContain(
      'switchboard_drift_production_psi{dimension="category_mix"}',
    );

    const body = rig.rows[150]?.body ?? '';
    const callsBefore = rig.fake.calls.length;
    const first = await classify('after-fallback-1', body);
    expect(first).toMatchObject({ outcome: 'decided', tier: 'strong', model: STRONG });
    expect(first.notes).toContain('cheap_tier_off');
    expect(rig.fake.calls.slice(callsBefore).map((c) => c.model)).toEqual([STRONG]);
    // Each strong call costs $0.003 here (400 + 40 tokens), so the second reaches the $0.005 cap...
    expect((await classify('after-fallback-2', body)).tier).toBe('strong');
    // ...and the third, with nothing but paid tiers left, goes to a human without calling any model.
    const capped = await classify('after-fallback-3', body);
    expect(capped).toMatchObject({ outcome: 'low_confidence', decision: null });
    expect(capped.notes).toContain('fallback_cost_cap_reached');
    expect(rig.fake.calls.length).toBe(callsBefore + 2);
  });

  it('a run back within a point of the baseline switches the fallback off, and cheap answers again', async () => {
    rig.degrade(1);
    const r = await check();
    expect(r.actions).toEqual(['fallback_off']);
    expect((await fleet.fallback.get()).state).toBeNull();
    expect(await gauge('switchboard_fallback_active')).toEqual(['switchboard_fallback_active 0']);
    await settle(9);
    expect(texts(':white_check_mark: *Fallback off')[0]).toContain(`the cheap tier (${CHEAP}) is back`);
    await new Promise((res) => setTimeout(res, rig.config.fallbackPollMs + 20));
    expect((await classify('after-recovery', rig.rows[160]?.body ?? '')).tier).toBe('cheap');
  });

  it("writes the weekly report for the manager from the week's traffic, as Markdown and HTML", async () => {
    // A known week: 8 tickets decided by cheap, 1 by the rule tier, 1 critical one escalated.
    // Inside the week the report covers: the seven whole UTC days before today.
    const at = new Date(reportWeeks(new Date()).thisWeek[0].getTime() + 12 * 3_600_000);
    for (let i = 0; i < 8; i++)
      await finish(`week-cheap-${i}`, {
        language: 'en',
        record: record('cheap', 0.01),
        route: { team: 'billing_support', via: 'cheap', escalated: false, reasons: [] },
        routedAt: at,
      });
    await finish('week-rule', {
      language: 'de',
      record: record('rule', 0),
      route: { team: 'billing_support', via: 'rule', escalated: false, reasons: [] },
      routedAt: at,
    });
    await finish('week-critical', {
      language: 'en',
      record: record(null, 0),
      route: { team: 'triage', via: 'human', escalated: true, reasons: ['critical_keyword:urgent'] },
      routedAt: at,
    });
    const r = await check();
    const md = await readFile(r.files.markdown, 'utf8');
    const [from, to] = reportWeeks(new Date()).thisWeek;
    expect(md).toContain(`# Switchboard weekly report, ${utcStamp(from)} to ${utcStamp(to)}`);
    expect(utcStamp(from)).toMatch(/^Mon \d+ \w{3} \d{4} 00:00 UTC$/);
    expect(md).toContain('## Eval set drift');
    expect(md).toContain('## Tier split against target');
    expect(md).toContain('| cheap | 80.0% | 75% |');
    expect(md).toContain('| rule | 10.0% | 15% |');
    expect(md).toContain('| human | 10.0% | — |');
    expect(md).toContain('| critical_keyword:urgent | 1 |');
    expect(md).toContain(`| ${CHEAP} | 8 | $0.0800 | $8.00 |`);
    expect(md).toContain('| tickets finished | 10 |');
    expect(md).toContain('1 of 10 tickets went to a human');
    const html = await readFile(r.files.html, 'utf8');
    expect(html).toContain('<svg');
    // Too few tickets to compare weeks: no measure claims to be stable.
    expect(md).toContain('| category mix | — | no data |');
    expect(md).not.toContain('stable');
    // Commands and file paths are for engineers, at the end.
    const appendix = md.indexOf('## Appendix for engineers');
    expect(appendix).toBeGreaterThan(0);
    expect(md.slice(0, appendix)).not.toContain('pnpm ops');
    expect(md.slice(0, appendix)).not.toContain(r.files.run);
    expect(md.slice(appendix)).toContain('pnpm ops drift run');
  });

  it('counts a day of traffic in the report run on demand, and a manager reads it in a browser', async () => {
    // Today's traffic: not in last week's whole days, so it must show in "so far this week".
    const now = new Date();
    for (let i = 0; i < 6; i++)
      await finish(`today-cheap-${i}`, {
        language: 'en',
        record: record('cheap', 0.01),
        route: { team: 'billing_support', via: 'cheap', escalated: false, reasons: [] },
        routedAt: now,
      });
    await finish('today-critical', {
      language: 'en',
      record: record(null, 0),
      route: { team: 'triage', via: 'human', escalated: true, reasons: ['critical_keyword:urgent'] },
      routedAt: now,
    });
    const r = await check();
    const md = await readFile(r.files.markdown, 'utf8');
    expect(md).toContain('## So far this week');
    expect(md).toContain('| tickets finished | 7 |');
    expect(md).toContain('| went to a person | 1 (14.3%) |');

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(pathToFileURL(r.files.html).href);
      const soFar = page.locator('h2', { hasText: 'So far this week' });
      await soFar.waitFor();
      const table = page.locator('h2:has-text("So far this week") + table');
      expect(await table.locator('tr', { hasText: 'tickets finished' }).locator('td').nth(1).textContent()).toBe('7');
      expect(await page.locator('h1').textContent()).toBe(weeklyTitle({ from: r.window[0], to: r.window[1] }));
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}weekly-report.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
