import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord, Route, Ticket } from '@switchboard/core';
import { decisionsQueue, openFleetContext, teamQueue, tierChecksQueue, type FleetContext } from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { TicketLifecycle } from './lifecycle.js';
import { teamDelivery, type TeamDelivery } from './team-delivery.js';

const ticket: Ticket = { id: 'lc1', body: 'Please refund my last invoice.', receivedAt: new Date().toISOString() };
const record: DecisionRecord = {
  outcome: 'decided',
  tier: 'rule',
  model: null,
  promptVersion: null,
  decision: {
    category: 'billing',
    priority: 'low',
    team: 'billing_support',
    confidence: 0.95,
    escalation_required: false,
    rationale: 'refund',
  },
  raw: null,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
};
const billing: Route = { team: 'billing_support', via: 'rule', escalated: false, reasons: [] };

describe('ticket lifecycle', () => {
  let prefix: string;
  let fleet: FleetContext;
  let delivery: TeamDelivery;
  let lifecycle: TicketLifecycle;

  beforeEach(async () => {
    prefix = uniquePrefix('lifecycle');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
    delivery = teamDelivery(fleet.ctx, { webhookTeams: new Set(), webhookAttempts: 1, webhookBackoffMs: 10 });
    lifecycle = new TicketLifecycle({ ctx: fleet.ctx, store: fleet.store, stats: fleet.stats, delivery });
  });
  afterEach(async () => {
    await lifecycle.close();
    await delivery.close();
    await fleet.close();
    await dropPrefix(prefix);
  });

  it('records the decision with the hand-over, so a repeated ticket job reuses it instead of classifying again', async () => {
    await fleet.store.markQueued(ticket.id, ticket.receivedAt);
    expect(await lifecycle.begin(ticket)).toEqual({ kind: 'new' });
    await lifecycle.decide(ticket, record);

    const decisions = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    expect((await decisions.getJob('t-lc1'))?.data).toEqual({ ticket, record });
    expect((await fleet.store.get(ticket.id))?.decision).toEqual(record);
    expect(await lifecycle.begin(ticket)).toEqual({ kind: 'decided', record });
    await decisions.close();
  });

  it('delivers and finishes a ticket once: a repeated decision delivers, counts and routes nothing more', async () => {
    await fleet.store.markQueued(ticket.id, ticket.receivedAt);
    const first = await lifecycle.claim(ticket.id, billing);
    expect(first).toEqual({ kind: 'claimed', route: billing });
    // A worker with newer rules proposes another route before delivery: the stored one still wins.
    const other: Route = { team: 'triage', via: 'human', escalated: true, reasons: ['model_flagged'] };
    expect(await lifecycle.claim(ticket.id, other)).toEqual({ kind: 'claimed', route: billing });

    const routed = { ticket, record, route: billing, routedAt: new Date().toISOString() };
    expect(await lifecycle.finish(routed)).toBe(true);
    expect(await lifecycle.finish(routed)).toBe(false);
    expect(await lifecycle.claim(ticket.id, billing)).toEqual({ kind: 'delivered', status: 'routed' });

    const team = new Queue(teamQueue('billing_support').queueName, { connection: fleet.redis, prefix });
    expect(await team.getJobCountByTypes('waiting')).toBe(1);
    expect((await fleet.store.get(ticket.id))?.status).toBe('routed');
    const day = await fleet.stats.range(new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
    expect(day.total.tickets).toBe(1);
    await team.close();
  });

  it('sends a sampled decision of the local tier to a spot check with the decision, and nothing for other tiers', async () => {
    const local: DecisionRecord = { ...record, tier: 'local', model: 'local-abc' };
    const checks = new Queue(tierChecksQueue.queueName, { connection: fleet.redis, prefix });
    await fleet.store.markQueued('s1', ticket.receivedAt);
    await lifecycle.decide({ ...ticket, id: 's1' }, local, { spotCheck: true });
    expect((await checks.getJob('spot-s1'))?.data).toMatchObject({
      kind: 'spot_check',
      ticket: { id: 's1' },
      checked: { tier: 'local', category: 'billing', model: 'local-abc' },
    });
    await fleet.store.markQueued('s2', ticket.receivedAt);
    await lifecycle.decide({ ...ticket, id: 's2' }, record, { spotCheck: true });
    expect(await checks.getJob('spot-s2')).toBeUndefined();
    await checks.close();
  });

  it('turns an agent’s feedback on a ticket the local tier routed into ground truth for the guard, once', async () => {
    const withPilot = new TicketLifecycle({ ctx: fleet.ctx, store: fleet.store, pilot: fleet.pilot });
    const local: DecisionRecord = { ...record, tier: 'local', model: 'local-abc' };
    await fleet.store.markQueued('f1', ticket.receivedAt);
    await withPilot.decide({ ...ticket, id: 'f1' }, local);
    const feedback = {
      category: 'sales' as const,
      team: 'sales' as const,
      priority: 'low' as const,
      receivedAt: new Date().toISOString(),
      source: 'upstream' as const,
    };
    expect(await withPilot.recordFeedback('f1', feedback)).toBe(true);
    expect(await withPilot.recordFeedback('unknown-ticket', feedback)).toBe(false);
    const checks = new Queue(tierChecksQueue.queueName, { connection: fleet.redis, prefix });
    expect((await checks.getJob('truth-upstream-f1'))?.data).toMatchObject({
      kind: 'ground_truth',
      ticketId: 'f1',
      checked: { tier: 'local', category: 'billing' },
      truth: 'sales',
    });
    // The rule tier is not guarded: feedback on its tickets is stored, and no judgment is queued.
    await fleet.store.markQueued('f2', ticket.receivedAt);
    await withPilot.decide({ ...ticket, id: 'f2' }, record);
    expect(await withPilot.recordFeedback('f2', feedback)).toBe(true);
    expect(await checks.getJob('truth-upstream-f2')).toBeUndefined();
    expect(await checks.count()).toBe(1);
    await checks.close();
    await withPilot.close();
  });

  it('feeds the training store: the strong and cheap tiers’ answers as labels, never the local or rule tier’s, and people’s answers over them', async () => {
    const learning = new TicketLifecycle({
      ctx: fleet.ctx,
      store: fleet.store,
      pilot: fleet.pilot,
      delivery,
      training: fleet.training,
    });
    const at = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const finish = async (id: string, tier: DecisionRecord['tier'], escalated = false): Promise<void> => {
      const t: Ticket = { ...ticket, id, customer: { email: 'ada@example.com' } };
      await fleet.store.markQueued(id, t.receivedAt);
      const r: DecisionRecord = { ...record, tier, model: tier === 'rule' ? null : `${tier}-model` };
      await learning.decide(t, r);
      const route: Route = escalated
        ? { team: 'billing_support', via: 'human', escalated: true, reasons: ['model_flagged'] }
        : { ...billing, via: tier ?? 'human' };
      await learning.finish({ ticket: t, record: r, route, routedAt: at });
    };
    await finish('strong1', 'strong');
    await finish('cheap1', 'cheap');
    await finish('local1', 'local');
    await finish('rule1', 'rule');
    await finish('esc1', 'strong', true);
    expect((await fleet.training.rows()).map((r) => `${r.ticketId}:${r.source}:${r.decidedBy.model}`).sort()).toEqual([
      'cheap1:cheap:cheap-model',
      'strong1:strong:strong-model',
    ]);
    expect(await fleet.training.unlabelledCount()).toBe(3);

    // Feedback on the local tier's ticket labels the text kept at finish; on the strong one it wins.
    const feedback = (category: 'sales' | 'bug') => ({
      category,
      team: category === 'sales' ? ('sales' as const) : ('core_eng' as const),
      priority: 'high' as const,
      receivedAt: new Date().toISOString(),
      source: 'upstream' as const,
    });
    expect(await learning.recordFeedback('local1', feedback('sales'))).toBe(true);
    expect(await learning.recordFeedback('strong1', feedback('bug'))).toBe(true);
    // A person resolves the escalated ticket: a human label, over the feedback that came first.
    await learning.recordFeedback('esc1', feedback('sales'));
    const escalated = {
      ticket: { ...ticket, id: 'esc1' },
      record: { ...record, tier: 'strong' as const },
      route: billing,
      routedAt: at,
    };
    const escalatedResolution = {
      category: 'bug' as const,
      priority: 'high' as const,
      team: 'core_eng' as const,
      reviewer: 'kim',
      resolvedAt: new Date().toISOString(),
      changed: true,
    };
    await learning.resolve(escalated, escalatedResolution, true);
    const rows = Object.fromEntries((await fleet.training.rows()).map((r) => [r.ticketId, r]));
    expect(rows.local1).toMatchObject({
      source: 'feedback',
      category: 'sales',
      body: ticket.body,
      decidedBy: { tier: 'local' },
    });
    expect(rows.strong1).toMatchObject({ source: 'feedback', category: 'bug' });
    expect(rows.esc1).toMatchObject({ source: 'human', category: 'bug' });
    expect(rows.rule1).toBeUndefined();
    expect(rows.esc1?.critical).toBeUndefined();

    // A critical ticket a person resolves: a human label, marked so no tier is judged on it.
    const urgent: Ticket = { ...ticket, id: 'crit1', body: 'URGENT: production is down' };
    const critical: DecisionRecord = {
      ...record,
      outcome: 'critical',
      tier: null,
      decision: null,
      criticalKeyword: 'production is down',
    };
    const toPeople: Route = { team: 'billing_support', via: 'human', escalated: true, reasons: ['critical'] };
    await fleet.store.markQueued(urgent.id, urgent.receivedAt);
    await learning.decide(urgent, critical);
    await learning.finish({ ticket: urgent, record: critical, route: toPeople, routedAt: at });
    const resolution = { ...escalatedResolution, category: 'technical' as const, team: 'core_eng' as const };
    await learning.resolve({ ticket: urgent, record: critical, route: toPeople, routedAt: at }, resolution, true);
    expect(await fleet.training.get('crit1')).toMatchObject({ source: 'human', category: 'technical', critical: true });
    // A redelivered decision after the person: still the person's label.
    await finish('esc1', 'strong');
    expect(await fleet.training.get('esc1')).toMatchObject({ source: 'human', category: 'bug' });
    expect(await fleet.training.ticketsOfEmail('ada@example.com')).toEqual([
      'cheap1',
      'esc1',
      'local1',
      'rule1',
      'strong1',
    ]);
    await learning.close();
  });
});
