import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category, type Priority } from '@switchboard/core';
import { readLabelledTickets, trainLocalModel, type LabelledTicket } from '@switchboard/local-model';
import { openFleetContext, openQueue, retrainQueue, type FleetContext, type TrainingRow } from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { inJudgingSlice } from './holdout.js';
import { runRetrain, type RetrainOutcome, type RetrainSettings } from './retrain.js';
import { requestRetrain, startRetrainer, type RetrainService } from './service.js';

const repo = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const swap = (c: Category): Category => CATEGORIES[(CATEGORIES.indexOf(c) + 1) % CATEGORIES.length] as Category;
const settings: RetrainSettings = {
  threshold: 0.9,
  priorityThreshold: 0.7,
  target: 0.9,
  holdBack: { min: 100, max: 1000, share: 0.5 },
  minOwnRows: 50,
  seed: 7,
};

describe('retraining the local model against the registry and the training store', () => {
  let prefix: string;
  let fleet: FleetContext;
  let seed: LabelledTicket[];
  let human: TrainingRow[];

  beforeAll(async () => {
    seed = await readLabelledTickets(repo('eval/training/switchboard-train.jsonl'));
    const lines = (await readFile(repo('eval/sets/switchboard-eval.jsonl'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim());
    human = lines.map((l, i) => {
      const r = JSON.parse(l) as {
        id: string;
        subject: string;
        body: string;
        expected: { category: Category; priority: Priority };
      };
      // As the review desk records a resolution: category and priority.
      return {
        ticketId: r.id,
        subject: r.subject,
        body: r.body,
        category: r.expected.category,
        priority: r.expected.priority,
        source: 'human',
        decidedBy: { tier: null, model: null },
        at: new Date(Date.now() - 3 * 86_400_000 + i * 60_000).toISOString(),
      };
    });
  });
  beforeEach(async () => {
    prefix = uniquePrefix('retrain');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
  });
  afterEach(async () => {
    await fleet.close();
    await dropPrefix(prefix);
  });

  const champion = async (rows: readonly LabelledTicket[]): Promise<string> => {
    const { file, model } = trainLocalModel(rows, { seed: 1 });
    await fleet.models.add(model.meta.modelVersion, JSON.stringify(file), {
      trainedAt: model.meta.trainedAt,
      source: 'file',
    });
    await fleet.models.promote(model.meta.modelVersion, 'file', 'test champion');
    return model.meta.modelVersion;
  };
  const deps = () => ({ labels: { rows: () => fleet.training.rows() }, models: fleet.models, seed });

  it('promotes a challenger that learned the desk’s labels over a champion that had not', async () => {
    // The champion learned another desk's conventions: what this desk calls billing, it calls sales.
    const weak = await champion(
      seed.map((t) => (t.category === 'billing' ? { ...t, category: 'sales', fineLabel: undefined } : t)),
    );
    for (const r of human) await fleet.training.record(r);
    const o = await runRetrain(deps(), settings);
    expect(o.kind).toBe('promoted');
    // Better than a champion that was wrong, but not shown to beat passing tickets on: still on probation.
    expect(o.kind === 'promoted' && o.vetted).toBeNull();
    // The outcome says why, in the figures the vetting used.
    expect(o.kind === 'promoted' && o.onProbation).toMatchObject({
      version: o.kind === 'promoted' ? o.version : '',
      why: expect.stringMatching(/keeps .* people’s labels it never saw \(95% lower bound/) as string,
    });
    expect(o.message).toMatch(/stays on probation: keeps/);
    expect(await fleet.models.isVetted(o.kind === 'promoted' ? o.version : '')).toBe(false);
    // Calibrated on people's labels only (half of those it trains on), not on the seed set.
    const people = o.kind === 'promoted' ? o.trainingRows.human : 0;
    expect(people).toBeGreaterThanOrEqual(120);
    expect(o.kind === 'promoted' && o.calibration).toEqual({ on: 'people', rows: expect.any(Number) as number });
    const rows = o.kind === 'promoted' ? o.calibration.rows : 0;
    expect(Math.abs(rows - people / 2)).toBeLessThan(10);
    expect((await fleet.models.current())?.version).not.toBe(weak);
    const events = await fleet.models.events(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000));
    expect(events.at(-1)).toMatchObject({ action: 'promote', by: 'retrain' });
  });

  it('a promoted and vetted model ends a local-tier switch the live guard set for the old one', async () => {
    await champion(seed.map((t) => (t.category === 'billing' ? { ...t, category: 'sales', fineLabel: undefined } : t)));
    for (const r of human) await fleet.training.record(r);
    await fleet.guard.switchLocalOff({
      off: true,
      by: 'guard',
      since: new Date().toISOString(),
      reason: 'live guard: 5 of 14 agreed',
    });
    // A lower target, so this small desk's challenger is vetted as well as promoted.
    const o = await runRetrain({ ...deps(), localSwitch: fleet.guard }, { ...settings, target: 0.7 });
    expect(o).toMatchObject({ kind: 'promoted', resumed: true });
    expect(o.kind === 'promoted' && o.vetted?.version).toBe(o.kind === 'promoted' ? o.version : '');
    expect((await fleet.guard.localSwitch()).state).toBeNull();
    expect(o.kind === 'promoted' && o.message).toContain('is back on');
  });

  it('rejects a challenger trained only on machine labels that disagree with the people, and keeps the champion', async () => {
    const good = await champion(seed);
    // Every human label is held back (share 1); the machine labels say the opposite of what people say.
    for (const r of human) await fleet.training.record(r);
    for (const [i, t] of seed.entries())
      await fleet.training.record({
        ticketId: `m-${i}`,
        subject: t.subject,
        body: `${t.body} (${i})`,
        category: swap(t.category),
        source: 'strong',
        decidedBy: { tier: 'strong', model: 'strong-x' },
        at: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      });
    const o = await runRetrain(deps(), { ...settings, holdBack: { ...settings.holdBack, share: 1 } });
    expect(o.kind).toBe('rejected');
    // The champion, imported from a file, was on probation: the same people's labels end it.
    expect(o.kind === 'rejected' && o.vetted).toMatchObject({
      version: good,
      why: /lower bound .* ≥ 88.0%, the target less 2 points/,
    });
    expect(await fleet.models.isVetted(good)).toBe(true);
    expect(o.kind === 'rejected' && o.message).toContain(`${good} is off probation`);
    expect(o.kind === 'rejected' && o.trainingRows).toMatchObject({ human: 0, strong: seed.length });
    expect((await fleet.models.current())?.version).toBe(good);
    const rejected = (await fleet.models.list()).find((e) => e.status === 'rejected');
    expect(rejected?.reason).toMatch(/held-back human labels/);
  });

  it('does not promote on too few human labels, and says how many more it needs', async () => {
    const good = await champion(seed);
    for (const r of human.slice(0, 60)) await fleet.training.record(r);
    const o = await runRetrain(deps(), settings);
    const inSlice = human.slice(0, 60).filter((r) => inJudgingSlice(r, settings.holdBack.share)).length;
    expect(inSlice).toBeGreaterThan(15);
    expect(o).toMatchObject({ kind: 'not_enough_labels', eligible: inSlice, needed: 100 - inSlice });
    expect(o.kind === 'not_enough_labels' && o.message).toContain(
      `about ${Math.ceil((100 - inSlice) / 0.5)} more labels from people`,
    );
    expect((await fleet.models.current())?.version).toBe(good);
  });

  describe('the job', () => {
    const services: RetrainService[] = [];
    afterEach(async () => {
      await Promise.all(services.splice(0).map((s) => s.close()));
    });

    it('runs once per period with two processes, and a failed run is retried without touching the champion', async () => {
      const good = await champion(seed.slice(0, 300));
      const ran: string[] = [];
      let failNext = true;
      const run = (): Promise<RetrainOutcome> => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('out of memory (test)'));
        }
        return Promise.resolve({ kind: 'no_data', ownRows: 0, message: 'nothing yet' });
      };
      for (const name of ['a', 'b'])
        services.push(
          await startRetrainer(
            { cron: '*/2 * * * * *', timezone: 'UTC' },
            {
              ctx: fleet.ctx,
              log: testLogger(name),
              onExhausted: fleet.deadLetter,
              run: async () => {
                const o = await run();
                ran.push(name);
                return o;
              },
            },
          ),
        );
      const queue = openQueue(retrainQueue, fleet.ctx);
      // The failed attempt waits 10 minutes by policy; move it forward as if they had passed.
      const failed = await waitFor(
        async () => (await queue.queue.getJobs(['delayed'])).find((j) => j.attemptsMade === 1),
        20_000,
        'the first run to fail',
      );
      expect((await fleet.models.current())?.version).toBe(good);
      await failed.promote();
      await waitFor(async () => ((await failed.getState()) === 'completed' ? true : undefined), 20_000, 'the retry');
      await waitFor(() => (ran.length >= 3 ? true : undefined), 20_000, 'three periods');
      // Stopped first (each finishes what it holds), so the counts below cannot move.
      await Promise.all(services.splice(0).map((s) => s.close()));
      const completed = await queue.queue.getJobs(['completed']);
      const ids = completed.map((j) => j.id);
      // Each period is one job, run by one of the two processes, whoever took it.
      expect(new Set(ids).size).toBe(ids.length);
      expect(completed.every((j) => j.attemptsMade <= 2)).toBe(true);
      expect(ran.length).toBe(completed.length);
      await queue.close();
    });

    it('`ops retrain` gets the outcome of the run it asked for', async () => {
      services.push(
        await startRetrainer(
          { cron: '0 3 * * *', timezone: 'UTC' },
          {
            ctx: fleet.ctx,
            log: testLogger(),
            onExhausted: fleet.deadLetter,
            run: () => runRetrain(deps(), settings),
          },
        ),
      );
      const { result } = await requestRetrain(fleet.ctx, { timeoutMs: 30_000 });
      expect(result).toMatchObject({ kind: 'finished', outcome: { kind: 'no_data', ownRows: 0 } });
    });
  });
});
