import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_PATHS } from '@switchboard/classifier';
import { CATEGORIES, type Category } from '@switchboard/core';
import { readLabelledTickets, saveLocalModel, trainLocalModel, type LabelledTicket } from '@switchboard/local-model';
import { inspectQueue, tierChecksQueue } from '@switchboard/queues';
import { waitFor } from '@switchboard/testkit';
import { startLocalFleet, type LabelledInput, type LocalFleet } from './local-fleet.js';

// Every category becomes the next one: a model that is confidently wrong about everything it knows.
const swap = (c: Category): Category => CATEGORIES[(CATEGORIES.indexOf(c) + 1) % CATEGORIES.length] as Category;

const TRAINING_SET = fileURLToPath(new URL('../../../eval/training/switchboard-train.jsonl', import.meta.url));
const WINDOW = 20;
const MIN_JUDGED = 5;

describe('the live guard on a local model that is wrong on purpose (labels swapped)', () => {
  let dir: string;
  let fleet: LocalFleet;
  let tickets: LabelledInput[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-guard-'));
    const rows = await readLabelledTickets(TRAINING_SET);
    const swapped: LabelledTicket[] = rows.map((r) => ({ ...r, category: swap(r.category), fineLabel: undefined }));
    const modelPath = join(dir, 'swapped.json');
    await saveLocalModel(modelPath, trainLocalModel(swapped, { seed: 3 }).file);
    // The desk's next tickets: the eval set, which the model was not trained on.
    tickets = (await readFile(REPO_PATHS.evalSet, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        const r = JSON.parse(l) as { subject: string; body: string; expected: { category: Category } };
        return { id: `g-${i}`, subject: `${r.subject} [${i}]`, body: r.body, category: r.expected.category };
      });
    fleet = await startLocalFleet('guard', new Map(tickets.map((t) => [t.subject ?? '', t.category])), {
      local: { modelPath, threshold: 0.5 },
      guard: { localSpotCheckRate: 1, local: { target: 0.8, window: WINDOW, minJudged: MIN_JUDGED } },
    });
  });

  afterAll(async () => {
    await fleet?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is switched off within the configured checks, Slack is told why, and the tickets after it go to the cheap tier', async () => {
    const first = tickets.slice(0, 60);
    await fleet.submit(first);
    const views = await fleet.finished(first.map((t) => t.id));
    const byLocal = views.filter((v) => v.decision?.tier === 'local');
    expect(byLocal.length).toBeGreaterThan(MIN_JUDGED);

    const { state } = await waitFor(
      async () => {
        const s = await fleet.fleet.guard.localSwitch();
        return s.state ? s : undefined;
      },
      30_000,
      'the guard to switch the local tier off',
    );
    expect(state).toMatchObject({ by: 'guard' });
    // The reason names the judgments it acted on: no more than the configured window.
    const judged = Number(/of the last (\d+) judged/.exec(state?.reason ?? '')?.[1]);
    expect(judged).toBeGreaterThanOrEqual(MIN_JUDGED);
    expect(judged).toBeLessThanOrEqual(WINDOW);

    const post = await waitFor(
      () => fleet.slack.calls.find((c) => String(c.params.text).includes('switched off fleet-wide by the live guard')),
      15_000,
      'the Slack message',
    );
    expect(post.params.channel).toBe('#support-ops');
    expect(String(post.params.text)).toContain('cheap tier');

    // A spot check never changes the route that was delivered: the local tier's (wrong) team stays.
    for (const v of byLocal) expect(v.route?.team).toBe(v.decision?.decision?.team);

    // Once the classifiers have seen the switch, no ticket is decided by the local tier.
    const rest = tickets.slice(60, 120);
    let i = 0;
    await waitFor(
      async () => {
        const probe = rest[i++];
        if (!probe) throw new Error('ran out of tickets before the switch reached the classifier');
        await fleet.submit([probe]);
        const [v] = await fleet.finished([probe.id]);
        return v?.decision?.notes.includes('local_tier_off') ? true : undefined;
      },
      30_000,
      'a ticket classified with the local tier off',
    );
    const after = rest.slice(i);
    await fleet.submit(after);
    const afterViews = await fleet.finished(after.map((t) => t.id));
    expect(afterViews.length).toBeGreaterThan(20);
    for (const v of afterViews) {
      expect(v.decision?.tier).not.toBe('local');
      // A critical ticket never reaches any tier, so it carries no tier notes.
      if (v.decision?.outcome !== 'critical') expect(v.decision?.notes).toContain('local_tier_off');
    }
    const byCheap = afterViews.filter((v) => v.decision?.tier === 'cheap');
    expect(byCheap.length).toBeGreaterThan(after.length / 2);
    const labels = new Map(after.map((t) => [t.id, t.category]));
    for (const v of byCheap) expect(v.decision?.decision?.category).toBe(labels.get(v.ticketId));
  });

  it('never spot-checks a critical ticket', async () => {
    const critical: LabelledInput = {
      id: 'g-critical',
      subject: 'URGENT: production down',
      body: 'Our whole team cannot log in since the update, production is down.',
      category: 'technical',
    };
    await fleet.submit([critical]);
    const [v] = await fleet.finished([critical.id]);
    expect(v?.decision?.outcome).toBe('critical');
    const checks = inspectQueue(tierChecksQueue, fleet.fleet.ctx);
    expect(await checks.get(`spot-${critical.id}`)).toBeUndefined();
  });
});
