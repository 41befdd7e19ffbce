import { afterEach, describe, expect, it } from 'vitest';
import { deadLetterId } from '@switchboard/queues';
import { waitFor } from '@switchboard/testkit';
import { decided, openWriteBackRig, routedTo, type WriteBackRig } from './testing/write-back-rig.js';

describe('Zendesk write-back', { timeout: 30_000 }, () => {
  let rig: WriteBackRig | undefined;
  const on = (): WriteBackRig => {
    if (!rig) throw new Error('no rig');
    return rig;
  };
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('puts the decision on the ticket once: group, priority, tags and a private note with the rationale', async () => {
    rig = await openWriteBackRig('zd-wb');
    rig.startWorker('zendesk');
    rig.zendesk.create(101);
    const ticket = rig.ticket('zendesk', 101, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ connector: 'zendesk', outcome: 'written', group: 360001 });
    const zd = rig.zendesk.tickets.get(101);
    expect(zd).toMatchObject({ group_id: 360001, priority: 'high' });
    expect(zd?.tags).toEqual(expect.arrayContaining(['switchboard_billing', 'switchboard_via_cheap']));
    expect(zd?.comments).toHaveLength(1);
    expect(zd?.comments[0]).toMatchObject({ public: false });
    expect(zd?.comments[0]?.body).toContain('charged twice for one invoice');

    // The same decision again (a redelivered decision job): the job id is the same, nothing new is written.
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    await waitFor(
      async () => ((await rig?.fleet.store.get(ticket.id))?.status === 'routed' ? true : undefined),
      5_000,
      'routed',
    );
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(rig.zendesk.tickets.get(101)?.comments).toHaveLength(1);
  });

  it('sends an escalation to the triage group with switchboard_escalated and the reasons', async () => {
    rig = await openWriteBackRig('zd-esc');
    rig.startWorker('zendesk');
    rig.zendesk.create(102);
    const ticket = rig.ticket('zendesk', 102, null);
    await rig.finish(
      ticket,
      decided({ priority: 'high', confidence: 0.6 }),
      routedTo('billing_support', { escalated: true, reasons: ['high_priority_low_confidence'] }),
    );
    await rig.writeBack(ticket.id);
    const zd = rig.zendesk.tickets.get(102);
    expect(zd?.group_id).toBe(360009);
    expect(zd?.tags).toEqual(
      expect.arrayContaining(['switchboard_escalated', 'switchboard_reason_high_priority_low_confidence']),
    );
    expect(zd?.comments[0]?.body).toContain('Reasons: high_priority_low_confidence');
  });

  it('leaves a ticket an agent routed after ingest alone, and says so on the record', async () => {
    rig = await openWriteBackRig('zd-agent');
    rig.startWorker('zendesk');
    rig.zendesk.create(103);
    const ticket = rig.ticket('zendesk', 103, null);
    rig.zendesk.agentEdit(103, { group_id: 360002 });
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ outcome: 'skipped' });
    expect((await rig.writeBack(ticket.id)).detail).toMatch(/already routed by a person/);
    expect(rig.zendesk.tickets.get(103)).toMatchObject({ group_id: 360002, comments: [] });
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('takes a 409 on the safe update (an agent saved between our read and our write) as theirs, without retrying', async () => {
    rig = await openWriteBackRig('zd-409');
    rig.startWorker('zendesk');
    rig.zendesk.create(104);
    rig.zendesk.beforeNextPut(() => rig?.zendesk.agentEdit(104, { assignee_id: 77 }));
    const ticket = rig.ticket('zendesk', 104, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ outcome: 'skipped' });
    expect((await on().writeBack(ticket.id)).detail).toMatch(/409/);
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([409]);
    expect(rig.zendesk.tickets.get(104)).toMatchObject({ group_id: null, assignee_id: 77, comments: [] });
  });

  it('tries once more on the new stamp when the 409 came from a change that leaves the routing alone', async () => {
    rig = await openWriteBackRig('zd-409-reply');
    rig.startWorker('zendesk');
    rig.zendesk.create(109);
    // The requester replies (or an automation runs) between our read and our write: updated_at moves, nothing else.
    rig.zendesk.beforeNextPut(() => rig?.zendesk.agentEdit(109, {}));
    const ticket = rig.ticket('zendesk', 109, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ outcome: 'written' });
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([409, 200]);
    expect(rig.zendesk.tickets.get(109)).toMatchObject({ group_id: 360001, comments: [expect.anything()] });
  });

  it('leaves a ticket that changes under both of its updates alone, without a third', async () => {
    rig = await openWriteBackRig('zd-409-busy');
    rig.startWorker('zendesk');
    rig.zendesk.create(110);
    const touch = (): void => rig?.zendesk.agentEdit(110, {});
    rig.zendesk.beforeNextPut(() => {
      touch();
      rig?.zendesk.beforeNextPut(touch);
    });
    const ticket = rig.ticket('zendesk', 110, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    const note = await rig.writeBack(ticket.id);
    expect(note).toMatchObject({ outcome: 'skipped' });
    expect(note.detail).toMatch(/twice \(409\)/);
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([409, 409]);
    expect(rig.zendesk.tickets.get(110)?.comments).toHaveLength(0);
  });

  it('holds every delivery while Zendesk answers 429, then writes every ticket back once', async () => {
    rig = await openWriteBackRig('zd-429');
    const concurrency = 4;
    rig.startWorker('zendesk', concurrency);
    const holdUntil = Date.now() + 2_000;
    rig.zendesk.rateLimitUntil(holdUntil);
    const ids = Array.from({ length: 12 }, (_, i) => 200 + i);
    for (const id of ids) rig.zendesk.create(id);
    await Promise.all(
      ids.map((id) => on().finish(on().ticket('zendesk', id, null), decided(), routedTo('billing_support'))),
    );
    for (const id of ids) expect(await rig.writeBack(`zendesk-${id}`)).toMatchObject({ outcome: 'written' });
    const limited = rig.zendesk.requests.filter((r) => r.status === 429);
    // Not a storm: once the first 429 came back, only the requests already in flight met the hold.
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBeLessThanOrEqual(concurrency);
    const firstOk = Math.min(...rig.zendesk.requests.filter((r) => r.status === 200).map((r) => r.at));
    expect(firstOk).toBeGreaterThanOrEqual(holdUntil - 50);
    for (const id of ids) expect(rig.zendesk.tickets.get(id)?.comments).toHaveLength(1);
  });

  it('backs off on 5xx and timeouts and still writes once; a slow answer that landed is not written twice', async () => {
    rig = await openWriteBackRig('zd-5xx', { timeoutMs: 300 });
    rig.startWorker('zendesk', 1);
    rig.zendesk.create(105);
    // GET 503, GET fine then PUT slower than the client waits (Zendesk applies it anyway), then normal.
    rig.zendesk.fault({ kind: 'status', status: 503 }, { kind: 'slow', ms: 0 }, { kind: 'slow', ms: 600 });
    const ticket = rig.ticket('zendesk', 105, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    expect(await rig.writeBack(ticket.id)).toMatchObject({ outcome: 'written' });
    await waitFor(() => (rig?.zendesk.tickets.get(105)?.comments.length === 1 ? true : undefined), 5_000, 'PUT landed');
    expect(rig.zendesk.tickets.get(105)?.comments).toHaveLength(1);
    expect(rig.zendesk.requests.map((r) => r.status)).toContain(503);
  });

  it("records an update that timed out but landed just before the retry's as written, not as a person's change", async () => {
    rig = await openWriteBackRig('zd-late', { timeoutMs: 2_000 });
    rig.startWorker('zendesk', 1);
    rig.zendesk.create(107);
    // The first PUT gets no answer, so the client gives up on it; Zendesk applies it as the retry's PUT
    // arrives, after the retry read the ticket: the retry's safe update meets our own change, a 409.
    rig.zendesk.fault({ kind: 'slow', ms: 0 }, { kind: 'held' });
    rig.zendesk.beforeNextPut(() => rig?.zendesk.releaseHeld());
    const ticket = rig.ticket('zendesk', 107, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    const note = await rig.writeBack(ticket.id);
    expect(note).toMatchObject({ outcome: 'written' });
    expect(note.detail).toMatch(/landed after it timed out/);
    expect(rig.zendesk.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([200, 409]);
    expect(rig.zendesk.tickets.get(107)).toMatchObject({ group_id: 360001, comments: [expect.anything()] });
  });

  it('gives up at once, saying what it could not read, when the ticket comes back in a shape Zendesk does not document', async () => {
    rig = await openWriteBackRig('zd-shape');
    rig.startWorker('zendesk', 1);
    rig.zendesk.create(108);
    // A 200 from something that is not the Tickets API (a base URL one path off, a proxy's status page).
    rig.zendesk.fault({ kind: 'answer', status: 200, body: { tickets: [], count: 0 } });
    const ticket = rig.ticket('zendesk', 108, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    const note = await rig.writeBack(ticket.id);
    expect(note).toMatchObject({ outcome: 'failed' });
    expect(note.detail).toMatch(/not what Zendesk documents.*ticket.*is the base URL right\?/);
    expect(rig.zendesk.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await rig.deadLetter.getJob(deadLetterId('zendesk-writeback', 't-zendesk-108'))).toBeTruthy();
    expect(rig.zendesk.tickets.get(108)?.comments).toHaveLength(0);
  });

  it('ends in dead letter after its last attempt and shows the failure on the ticket record', async () => {
    rig = await openWriteBackRig('zd-dlq', { attempts: 3 });
    rig.startWorker('zendesk', 1);
    rig.zendesk.create(106);
    rig.zendesk.fault(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502 })));
    const ticket = rig.ticket('zendesk', 106, null);
    await rig.finish(ticket, decided(), routedTo('billing_support'));
    const note = await rig.writeBack(ticket.id);
    expect(note).toMatchObject({ outcome: 'failed' });
    expect((await on().writeBack(ticket.id)).detail).toMatch(/502/);
    expect(await rig.deadLetter.getJob(deadLetterId('zendesk-writeback', 't-zendesk-106'))).toBeTruthy();
    expect(rig.zendesk.tickets.get(106)?.comments).toHaveLength(0);
  });
});
