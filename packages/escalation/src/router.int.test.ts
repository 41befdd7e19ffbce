import { Worker, type Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord, Team, Ticket } from '@switchboard/core';
import { deadLetterId, humanReviewQueue, jobIdForTicket, teamQueue, type RoutedTicket } from '@switchboard/queues';
import { waitFor } from '@switchboard/testkit';
import { EscalationConfig } from './config.js';
import { startEscalation } from './router.js';
import {
  criticalRecord,
  decidedRecord,
  failedRecord,
  makeTicket,
  openHarness,
  type EscalationHarness,
} from './testing/escalation-harness.js';

describe('escalation router', { timeout: 30_000 }, () => {
  let h: EscalationHarness;
  let service: ReturnType<typeof startEscalation>;
  const extraWorkers: Worker[] = [];

  beforeEach(async () => {
    h = await openHarness('escalation');
    service = startEscalation(EscalationConfig.parse({ concurrency: 4 }), {
      ctx: h.fleet.ctx,
      store: h.fleet.store,
      onExhausted: h.fleet.deadLetter,
    });
  });

  afterEach(async () => {
    await Promise.all(extraWorkers.splice(0).map((w) => w.close()));
    await service.close();
    await h.close();
  });

  describe('delivers a clean decision to its team', () => {
    it.each<[string, Partial<NonNullable<DecisionRecord['decision']>>, Team]>([
      ['billing', { category: 'billing', team: 'billing_support' }, 'billing_support'],
      [
        'technical',
        { category: 'technical', team: 'tech_support', priority: 'high', confidence: 0.97 },
        'tech_support',
      ],
      ['cancellation', { category: 'cancellation', team: 'account_ops', priority: 'low' }, 'account_ops'],
    ])('%s', async (_label, decision, expectedTeam) => {
      const ticket = makeTicket(`clean-${expectedTeam}`);
      await h.decide(ticket, decidedRecord(decision));
      const view = await h.settled(ticket.id);

      expect(view.status).toBe('routed');
      expect(view.route).toEqual({ team: expectedTeam, via: 'cheap', escalated: false, reasons: [] });
      expect(view.timings.finishedAt).toBeDefined();
      expect(await h.placesOf(ticket.id)).toEqual([teamQueue(expectedTeam).queueName]);

      const job = await h.team(expectedTeam).getJob(jobIdForTicket(ticket.id));
      const delivered = job?.data as RoutedTicket | undefined;
      expect(delivered?.ticket.id).toBe(ticket.id);
      expect(delivered?.ticket.body).toBe(ticket.body);
      expect(delivered?.route.team).toBe(expectedTeam);
      expect(delivered?.record.model).toBe('gpt-4o-mini');
    });

    it('credits the rule tier when the rule decided', async () => {
      const ticket = makeTicket('clean-rule', { body: 'I want a refund for last month.' });
      await h.decide(
        ticket,
        decidedRecord({ confidence: 1, rationale: 'hotword: refund' }, { tier: 'rule', model: null }),
      );
      const view = await h.settled(ticket.id);
      expect(view.route).toEqual({ team: 'billing_support', via: 'rule', escalated: false, reasons: [] });
    });

    it('delivers high priority when confidence is exactly at the 0.85 bar', async () => {
      const ticket = makeTicket('at-bar');
      await h.decide(ticket, decidedRecord({ priority: 'high', confidence: 0.85 }));
      expect((await h.settled(ticket.id)).status).toBe('routed');
    });

    // Whole-word matching: "wasapp" contains "asap" and must not page a human.
    it('does not mistake a word that merely contains a keyword for the keyword', async () => {
      const ticket = makeTicket('substring', { body: 'Billing question about my wasapp business plan.' });
      await h.decide(ticket, decidedRecord());
      expect((await h.settled(ticket.id)).status).toBe('routed');
    });
  });

  describe('sends a ticket to a human, with reasons, when an override applies', () => {
    const cases: [string, Ticket, DecisionRecord, string[], Team][] = [
      [
        'the model flagged it',
        makeTicket('flagged'),
        decidedRecord({ escalation_required: true }),
        ['model_flagged'],
        'billing_support',
      ],
      [
        'high priority with low confidence',
        makeTicket('hp-low'),
        decidedRecord({ priority: 'high', confidence: 0.8 }),
        ['high_priority_low_confidence'],
        'billing_support',
      ],
      [
        'a critical keyword the classifier missed, in the body',
        makeTicket('kw-body', { body: 'We have DATA   LOSS after the last invoice run' }),
        decidedRecord(),
        ['critical_keyword:data loss'],
        'billing_support',
      ],
      [
        'a critical keyword in the subject only',
        makeTicket('kw-subject', { subject: 'Urgent: invoice wrong', body: 'The amount on my invoice is wrong.' }),
        decidedRecord(),
        ['critical_keyword:urgent'],
        'billing_support',
      ],
      [
        'the classifier already found a critical keyword',
        makeTicket('kw-classifier', { body: 'GDPR request: delete my data' }),
        criticalRecord('gdpr'),
        ['critical_keyword:gdpr'],
        'triage',
      ],
      [
        'every tier answered invalid output',
        makeTicket('failed-invalid'),
        failedRecord(['model_output_invalid']),
        ['model_output_invalid'],
        'triage',
      ],
      [
        'no model was reachable',
        makeTicket('failed-unavailable'),
        failedRecord(['models_unavailable']),
        ['models_unavailable'],
        'triage',
      ],
      [
        'the answer stayed below every threshold',
        makeTicket('low-conf'),
        decidedRecord({ confidence: 0.4 }, { outcome: 'low_confidence' }),
        ['low_confidence'],
        'billing_support',
      ],
    ];

    it.each(cases)('%s', async (_label, ticket, record, reasons, team) => {
      await h.decide(ticket, record);
      const view = await h.settled(ticket.id);

      expect(view.status).toBe('escalated');
      expect(view.route).toEqual({ team, via: 'human', escalated: true, reasons });
      expect(await h.placesOf(ticket.id)).toEqual([humanReviewQueue.queueName]);
      const job = await h.review.getJob(jobIdForTicket(ticket.id));
      expect((job?.data as RoutedTicket | undefined)?.route.reasons).toEqual(reasons);
    });

    it('lists every reason that applies, not just the first', async () => {
      const ticket = makeTicket('many-reasons', { body: 'Please fix this asap' });
      await h.decide(ticket, decidedRecord({ priority: 'high', confidence: 0.6, escalation_required: true }));
      const view = await h.settled(ticket.id);
      expect(view.route?.reasons).toEqual(
        expect.arrayContaining(['critical_keyword:asap', 'model_flagged', 'high_priority_low_confidence']),
      );
      expect(view.route?.reasons).toHaveLength(3);
    });
  });

  it('lets reviewers see high priority first', async () => {
    const inOrder: [string, DecisionRecord][] = [
      ['rv-low', decidedRecord({ priority: 'low', escalation_required: true })],
      ['rv-medium', decidedRecord({ priority: 'medium', escalation_required: true })],
      ['rv-high', decidedRecord({ priority: 'high', confidence: 0.95, escalation_required: true })],
    ];
    for (const [id, record] of inOrder) {
      await h.decide(makeTicket(id), record);
      await h.settled(id);
    }
    expect(await h.review.count()).toBe(3);

    // A review desk draining one at a time, started only once all three wait.
    const seen: string[] = [];
    const desk = new Worker(
      humanReviewQueue.queueName,
      async (job: Job) => {
        seen.push((job.data as RoutedTicket).ticket.id);
        return Promise.resolve();
      },
      { connection: h.fleet.ctx.connection, prefix: h.prefix, concurrency: 1 },
    );
    extraWorkers.push(desk);
    await waitFor(() => (seen.length === 3 ? true : undefined), 10_000, 'review desk drained');
    expect(seen).toEqual(['rv-high', 'rv-medium', 'rv-low']);
  });

  it('delivers a decision processed twice only once', async () => {
    const delivered: string[] = [];
    // The team's own consumer takes the first delivery off the queue before the repeat arrives.
    const teamTools = new Worker(
      teamQueue('billing_support').queueName,
      async (job: Job) => {
        delivered.push(job.id ?? '');
        return Promise.resolve();
      },
      { connection: h.fleet.ctx.connection, prefix: h.prefix, concurrency: 1 },
    );
    extraWorkers.push(teamTools);

    const ticket = makeTicket('twice');
    const record = decidedRecord();
    await h.decisionCompleted(await h.decide(ticket, record, 'first-run'));
    await waitFor(() => (delivered.length === 1 ? true : undefined), 10_000, 'first delivery consumed');

    await h.decisionCompleted(await h.decide(ticket, record, 'second-run'));

    const counts = await h
      .team('billing_support')
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    expect(delivered).toEqual([jobIdForTicket('twice')]);
    expect((await h.fleet.store.get('twice'))?.status).toBe('routed');
  });

  it('follows the first route when a repeat would now route elsewhere, even after the team job is gone', async () => {
    const ticket = makeTicket('redeploy');
    await h.decisionCompleted(await h.decide(ticket, decidedRecord(), 'before-deploy'));
    const first = await h.team('billing_support').getJob(jobIdForTicket('redeploy'));
    expect(first).toBeDefined();
    await first?.remove(); // the team's tools consumed it and BullMQ no longer holds it

    // The same ticket's decision again, now one that would go to a human (as after a config change).
    await h.decisionCompleted(await h.decide(ticket, decidedRecord({ escalation_required: true }), 'after-deploy'));
    expect(await h.team('billing_support').getJob(jobIdForTicket('redeploy'))).toBeUndefined();
    expect(await h.review.getJob(jobIdForTicket('redeploy'))).toBeUndefined();
    expect(await h.fleet.store.get('redeploy')).toMatchObject({
      status: 'routed',
      route: { team: 'billing_support', escalated: false },
    });
  });

  it('puts an escalated decision processed twice on the review queue once', async () => {
    const ticket = makeTicket('twice-review');
    const record = decidedRecord({ escalation_required: true });
    await h.decisionCompleted(await h.decide(ticket, record, 'review-first'));
    await h.decisionCompleted(await h.decide(ticket, record, 'review-second'));
    expect(await h.review.count()).toBe(1);
  });

  it('dead-letters a malformed decision at once instead of retrying it', async () => {
    await h.fleet.store.markQueued('malformed', new Date().toISOString());
    await h.decisions.queue.add(
      'route',
      { ticket: { id: 'malformed' }, record: { outcome: 'maybe' } },
      { jobId: jobIdForTicket('malformed') },
    );

    const dead = await waitFor(
      () => h.deadLetter.getJob(deadLetterId('decisions', jobIdForTicket('malformed'))),
      10_000,
      'dead letter',
    );
    expect((dead.data as { error: string }).error).toMatch(/invalid decisions payload/);
    expect((dead.data as { attemptsMade: number }).attemptsMade).toBe(1);
    expect((await h.settled('malformed')).status).toBe('failed');
    expect(await h.placesOf('malformed')).toEqual([]);
  });
});
