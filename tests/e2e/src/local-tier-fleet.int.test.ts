import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_PATHS } from '@switchboard/classifier';
import { DEFAULT_ROUTING_TABLE, type Category } from '@switchboard/core';
import type { TicketView } from '@switchboard/queues';
import { startLocalFleet, type LabelledInput, type LocalFleet } from './local-fleet.js';

// Another desk's tickets (restaurants, hotels, pet care, courses; English, Spanish, Turkish, German),
// written for this test and labelled in Switchboard's taxonomy. The default model never saw them.
const OTHER_DESK = fileURLToPath(new URL('../fixtures/other-desk.jsonl', import.meta.url));

const rightTeam = (views: readonly TicketView[], labels: ReadonlyMap<string, Category>): number =>
  views.filter((v) => v.route?.team === DEFAULT_ROUTING_TABLE[labels.get(v.ticketId) ?? 'other']).length / views.length;

describe('the free tier in front of a cheap model, on another desk’s tickets', () => {
  let tickets: LabelledInput[];
  let labels: Map<string, Category>;
  const fleets: LocalFleet[] = [];

  beforeAll(async () => {
    tickets = (await readFile(OTHER_DESK, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        const r = JSON.parse(l) as { subject: string; body: string; category: Category };
        return { id: `od-${i}`, subject: r.subject, body: r.body, category: r.category };
      });
    labels = new Map(tickets.map((t) => [t.id, t.category]));
  });

  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.close()));
  });

  const run = async (label: string, local: boolean): Promise<TicketView[]> => {
    const fleet = await startLocalFleet(label, new Map(tickets.map((t) => [t.subject ?? '', t.category])), {
      ...(local ? { local: { modelPath: REPO_PATHS.localModel } } : {}),
    });
    fleets.push(fleet);
    await fleet.submit(tickets);
    return fleet.finished(tickets.map((t) => t.id));
  };

  it('routes at least as accurately with the shipped local model on as with it off', async () => {
    const off = await run('od-off', false);
    const on = await run('od-on', true);
    const takenByLocal = on.filter((v) => v.decision?.tier === 'local');
    const declined = on.filter((v) => v.decision?.notes.includes('local_out_of_domain'));
    const accuracy = { on: rightTeam(on, labels), off: rightTeam(off, labels) };
    console.log(
      `other desk, ${tickets.length} tickets: right team ${(accuracy.on * 100).toFixed(1)}% with the local tier on ` +
        `(it took ${takenByLocal.length}, declined ${declined.length} as out of domain), ${(accuracy.off * 100).toFixed(1)}% with it off`,
    );
    expect(off.every((v) => v.decision?.tier !== 'local')).toBe(true);
    expect(accuracy.on).toBeGreaterThanOrEqual(accuracy.off);
    // What the local tier did take, it took right; the gate turned the foreign-language tickets away.
    for (const v of takenByLocal) expect(v.decision?.decision?.category).toBe(labels.get(v.ticketId));
    expect(declined.length).toBeGreaterThan(0);
  });
});
