import type { Queue } from 'bullmq';
import { TEAMS, type DecisionRecord, type ModelDecision, type Team, type Ticket } from '@switchboard/core';
import {
  decisionsQueue,
  deadLetterQueue,
  humanReviewQueue,
  jobIdForTicket,
  openFleetContext,
  openQueue,
  teamQueue,
  webhooksQueue,
  type FleetContext,
  type Producer,
} from '@switchboard/queues';
import { TEST_REDIS_URL, dropPrefix, testLogger, uniquePrefix, waitFor } from '@switchboard/testkit';
import type { TicketStatus, TicketView } from '@switchboard/queues';

// Shared by this package's tests only; not exported from the package.

export const makeTicket = (id: string, over: Partial<Ticket> = {}): Ticket => ({
  id,
  subject: 'Question about my invoice',
  body: 'Hello, I think I was charged twice this month. Can you check?',
  customer: { email: 'jane@example.com' },
  receivedAt: new Date().toISOString(),
  ...over,
});

const totals = { latencyMs: 120, promptTokens: 400, completionTokens: 40, costUsd: 0.0002 };

/** What the cheap tier records when it answered with confidence above every threshold. */
export const decidedRecord = (
  decision: Partial<ModelDecision> = {},
  over: Partial<DecisionRecord> = {},
): DecisionRecord => ({
  outcome: 'decided',
  tier: 'cheap',
  model: 'gpt-4o-mini',
  promptVersion: 'routing-v1',
  decision: {
    category: 'billing',
    priority: 'medium',
    team: 'billing_support',
    confidence: 0.93,
    escalation_required: false,
    rationale: 'duplicate charge',
    ...decision,
  },
  raw: '{"category":"billing"}',
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals,
  decidedAt: new Date().toISOString(),
  ...over,
});

/** What the classifier records when no tier produced a usable answer. */
export const failedRecord = (failureReasons: string[]): DecisionRecord => ({
  outcome: 'failed',
  tier: null,
  model: null,
  promptVersion: 'routing-v1',
  decision: null,
  raw: 'Sure! Here is the JSON you asked for',
  criticalKeyword: null,
  failureReasons,
  notes: [],
  attempts: [],
  totals,
  decidedAt: new Date().toISOString(),
});

/** What the classifier records when a critical keyword skipped every model. */
export const criticalRecord = (keyword: string): DecisionRecord => ({
  outcome: 'critical',
  tier: null,
  model: null,
  promptVersion: null,
  decision: null,
  raw: null,
  criticalKeyword: keyword,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
});

/** One Redis prefix with the queues a test inspects; `close` also drops every key it made. */
export interface EscalationHarness {
  prefix: string;
  fleet: FleetContext;
  decisions: Producer<typeof decisionsQueue.jobName, typeof decisionsQueue.schema>;
  review: Queue;
  webhooks: Queue;
  deadLetter: Queue;
  team(t: Team): Queue;
  /** Records the ticket as ingest would, then hands the classifier's decision to escalation. */
  decide(ticket: Ticket, record: DecisionRecord, decisionJobId?: string): Promise<string>;
  /** Waits until the decision job has been processed to completion. */
  decisionCompleted(decisionJobId: string): Promise<void>;
  /** Waits until the ticket's record reaches a final status. */
  settled(ticketId: string): Promise<TicketView>;
  /** Every queue among the teams' and human review that holds a job for this ticket. */
  placesOf(ticketId: string): Promise<string[]>;
  close(): Promise<void>;
}

const FINAL: readonly TicketStatus[] = ['routed', 'escalated', 'failed'];

export async function openHarness(label: string): Promise<EscalationHarness> {
  const prefix = uniquePrefix(label);
  const fleet = await openFleetContext({
    redisUrl: TEST_REDIS_URL,
    prefix,
    role: 'worker',
    logger: testLogger(label),
    retentionDays: 30,
  });
  const decisions = openQueue(decisionsQueue, fleet.ctx);
  const review = openQueue(humanReviewQueue, fleet.ctx).queue;
  const webhooks = openQueue(webhooksQueue, fleet.ctx).queue;
  const deadLetter = openQueue(deadLetterQueue, fleet.ctx).queue;
  const teams = new Map(TEAMS.map((t) => [t, openQueue(teamQueue(t), fleet.ctx).queue] as const));
  const team = (t: Team): Queue => {
    const q = teams.get(t);
    if (!q) throw new Error(`no queue for ${t}`);
    return q;
  };

  return {
    prefix,
    fleet,
    decisions,
    review,
    webhooks,
    deadLetter,
    team,
    async decide(ticket, record, decisionJobId = jobIdForTicket(ticket.id)) {
      await fleet.store.markQueued(ticket.id, ticket.receivedAt);
      await decisions.add(decisionJobId, { ticket, record });
      return decisionJobId;
    },
    async decisionCompleted(decisionJobId) {
      await waitFor(
        async () => ((await decisions.queue.getJobState(decisionJobId)) === 'completed' ? true : undefined),
        10_000,
        `decision ${decisionJobId} completed`,
      );
    },
    async settled(ticketId) {
      return waitFor(
        async () => {
          const view = await fleet.store.get(ticketId);
          return view && FINAL.includes(view.status) ? view : undefined;
        },
        10_000,
        `ticket ${ticketId} settled`,
      );
    },
    async placesOf(ticketId) {
      const jobId = jobIdForTicket(ticketId);
      const candidates = [review, ...teams.values()];
      const found = await Promise.all(candidates.map(async (q) => ((await q.getJob(jobId)) ? q.name : undefined)));
      return found.filter((n): n is string => n !== undefined);
    },
    async close() {
      await Promise.all([decisions.queue, review, webhooks, deadLetter, ...teams.values()].map((q) => q.close()));
      await fleet.close();
      await dropPrefix(prefix);
    },
  };
}
