import { afterEach, describe, expect, it } from 'vitest';
import { decided, openWriteBackRig, routedTo, type WriteBackRig } from './testing/write-back-rig.js';

describe('Zammad write-back', { timeout: 30_000 }, () => {
  let rig: WriteBackRig | undefined;
  const on = (): WriteBackRig => {
    if (!rig) throw new Error('no rig');
    return rig;
  };
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('sets group and priority, adds one internal note and the tags, once', async () => {
    rig = await openWriteBackRig('zm-wb');
    rig.startWorker('zammad');
    rig.zammad.create(7);
    const ticket = rig.ticket('zammad', 7, 1);
    await rig.finish(ticket, decided({ priority: 'low' }), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ connector: 'zammad', outcome: 'written', group: 11 });
    const zm = rig.zammad.tickets.get(7);
    expect(zm).toMatchObject({ group_id: 11, priority_id: 1 });
    expect(zm?.tags).toEqual(expect.arrayContaining(['switchboard_billing', 'switchboard_via_cheap']));
    const notes = zm?.articles.filter((a) => a.type === 'note') ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ internal: true });
    expect(notes[0]?.body).toContain('charged twice for one invoice');
  });

  it('finds its own note after a write that died before the tags, and only adds the tags', async () => {
    rig = await openWriteBackRig('zm-rerun');
    rig.zammad.create(8);
    // Tags answer 503 until the job is retried: the note is on the ticket, the tags are not yet.
    rig.zammad.fault(
      { kind: 'slow', ms: 0 },
      { kind: 'slow', ms: 0 },
      { kind: 'slow', ms: 0 },
      { kind: 'status', status: 503 },
    );
    rig.startWorker('zammad', 1);
    const ticket = rig.ticket('zammad', 8, 1);
    await rig.finish(ticket, decided(), routedTo('tech_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ outcome: 'written' });
    const zm = rig.zammad.tickets.get(8);
    expect(zm?.articles.filter((a) => a.type === 'note')).toHaveLength(1);
    expect(zm?.tags).toEqual(expect.arrayContaining(['switchboard_via_cheap']));
    expect(rig.zammad.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it("does not overwrite an agent's change of group or owner made after ingest", async () => {
    rig = await openWriteBackRig('zm-agent');
    rig.startWorker('zammad');
    rig.zammad.create(9);
    rig.zammad.agentEdit(9, { group_id: 12 });
    const ticket = rig.ticket('zammad', 9, 1);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/person/) as unknown,
    });
    expect(rig.zammad.tickets.get(9)?.group_id).toBe(12);
    expect(rig.zammad.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('holds on 429 with Retry-After and then writes every ticket', async () => {
    rig = await openWriteBackRig('zm-429');
    rig.startWorker('zammad', 3);
    const holdUntil = Date.now() + 1_500;
    rig.zammad.rateLimitUntil(holdUntil);
    const ids = [21, 22, 23, 24, 25, 26];
    for (const id of ids) rig.zammad.create(id);
    await Promise.all(
      ids.map((id) => on().finish(on().ticket('zammad', id, 1), decided(), routedTo('billing_support'))),
    );
    for (const id of ids) expect(await rig.writeBack(`zammad-${id}`)).toMatchObject({ outcome: 'written' });
    expect(rig.zammad.requests.filter((r) => r.status === 429).length).toBeLessThanOrEqual(3);
    for (const id of ids) expect(rig.zammad.tickets.get(id)?.articles.filter((a) => a.type === 'note')).toHaveLength(1);
  });
});
