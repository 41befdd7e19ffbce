import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord, Route, Ticket } from '@switchboard/core';
import { decisionsQueue, openFleetContext, teamQueue, type FleetContext } from '@switchboard/queues';
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
});
