import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTickets } from '@switchboard/ingest';
import { readLabelledTickets, trainLocalModel, type LabelledTicket } from '@switchboard/local-model';
import { openFleetContext, openQueue, ticketsQueue, type FleetContext } from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { kill, spawnApp } from './child-apps.js';

const TRAIN = fileURLToPath(new URL('../../../eval/training/switchboard-train.jsonl', import.meta.url));
const DEFAULT_MODEL = fileURLToPath(new URL('../../../models/local-default.json', import.meta.url));

describe('one model for the fleet: a promotion reaches a classifier in another process', () => {
  const prefix = uniquePrefix('registry');
  let fleet: FleetContext;
  let rows: LabelledTicket[];
  let classifier: ChildProcess | undefined;
  let n = 0;

  beforeAll(async () => {
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 1,
    });
    rows = await readLabelledTickets(TRAIN);
  });
  afterAll(async () => {
    if (classifier) await kill(classifier, 'SIGTERM');
    await fleet.close();
    await dropPrefix(prefix);
  });

  /**
   * Sends tickets and returns, once all are recorded, the local model version on each ticket the local
   * tier decided (null for the others), and the notes of the records.
   */
  async function send(count: number): Promise<{ decidedBy: (string | null)[]; notes: string[] }> {
    const inputs = Array.from({ length: count }, () => {
      const r = rows[n % rows.length] as LabelledTicket;
      n += 1;
      return { id: `reg-${n}`, subject: r.subject, body: r.body };
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    try {
      await acceptTickets(inputs, { tickets, store: fleet.store, now: () => new Date() });
    } finally {
      await tickets.close();
    }
    return waitFor(
      async () => {
        const views = await Promise.all(inputs.map((t) => fleet.store.get(t.id)));
        if (views.some((v) => !v?.decision)) return undefined;
        return {
          decidedBy: views.map((v) =>
            v?.decision?.tier === 'local' && v.decision.outcome === 'decided' ? (v.decision.model ?? null) : null,
          ),
          notes: views.flatMap((v) => v?.decision?.notes ?? []),
        };
      },
      60_000,
      'tickets decided',
    );
  }

  const decide = async (count: number): Promise<(string | null)[]> => (await send(count)).decidedBy;

  /** From a champion change to the first ticket decided by the new model, probing one ticket at a time. */
  async function reach(version: string, since: number): Promise<number> {
    return waitFor(
      async () => ((await decide(1))[0] === version ? Date.now() - since : undefined),
      30_000,
      `a ticket decided by ${version}`,
    );
  }

  it('a model on probation decides nothing until vetted; after a promotion every ticket carries the new version, after a rollback the old one', async () => {
    // No paid tiers, and a low bar, so the local tier decides (almost) every ticket.
    classifier = spawnApp('classifier', {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOCAL_MODEL_PATH: DEFAULT_MODEL,
      LOCAL_THRESHOLD: '0.05',
      LOCAL_MODEL_RELOAD_POLL_MS: '250',
      ROLLOUT_POLL_MS: '250',
    });
    // Trained while the classifier starts: another seed and half the rows make another version.
    const challenger = trainLocalModel(rows.slice(0, 700), { seed: 11 });
    const next = challenger.model.meta.modelVersion;

    // The classifier imported its file into the empty registry and runs it, on probation: it records
    // its answers and decides nothing (no paid tier here, so the tickets wait for people).
    const onProbation = await send(10);
    const shipped = await fleet.models.currentVersion();
    expect(shipped).not.toBeNull();
    expect(shipped).not.toBe(next);
    expect((await fleet.models.entry(shipped as string))?.source).toBe('file');
    expect(onProbation.decidedBy.filter((v) => v !== null)).toEqual([]);
    expect(onProbation.notes.filter((x) => x === 'local_probation').length).toBeGreaterThan(5);
    // Vetted (here by a person; nightly by the retrain job): the classifier follows within its poll.
    const vettedAt = Date.now();
    await fleet.models.vet(shipped as string, 'operator', 'e2e: judged on our tickets');
    const vettingMs = await reach(shipped as string, vettedAt);
    const before = (await decide(10)).filter((v) => v !== null);
    expect(before.length).toBeGreaterThan(5);
    expect(new Set(before)).toEqual(new Set([shipped]));

    await fleet.models.add(next, JSON.stringify(challenger.file), {
      trainedAt: challenger.model.meta.trainedAt,
      source: 'retrain',
    });
    // As the retrain job does: vetted on the desk's labels, then promoted.
    await fleet.models.vet(next, 'retrain', 'e2e: keeps 60% at 97%');
    const promotedAt = Date.now();
    await fleet.models.promote(next, 'retrain', 'e2e: a challenger');
    const promotionMs = await reach(next, promotedAt);
    const after = (await decide(10)).filter((v) => v !== null);
    expect(after.length).toBeGreaterThan(5);
    expect(new Set(after)).toEqual(new Set([next]));

    const rolledAt = Date.now();
    expect(await fleet.models.rollback('operator', 'e2e: back')).toBe(shipped);
    const rollbackMs = await reach(shipped as string, rolledAt);
    const back = (await decide(10)).filter((v) => v !== null);
    expect(new Set(back)).toEqual(new Set([shipped]));
    console.log(
      `promotion reached the classifier process in ${promotionMs} ms, rollback in ${rollbackMs} ms, the end of probation in ${vettingMs} ms (poll 250 ms, probed by tickets)`,
    );
    expect(vettingMs).toBeLessThan(10_000);
    expect(promotionMs).toBeLessThan(10_000);
    expect(rollbackMs).toBeLessThan(10_000);
  });
});
