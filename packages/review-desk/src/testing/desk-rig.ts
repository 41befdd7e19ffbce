import type { FastifyInstance } from 'fastify';
import { DEFAULT_ROUTING_TABLE, type DecisionRecord, type Ticket } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { teamDelivery, type TeamDelivery } from '@switchboard/lifecycle';
import {
  decisionsQueue,
  humanReviewQueue,
  jobIdForTicket,
  openFleetContext,
  openQueue,
  type FleetContext,
} from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { hashPassword, redisSessionStore } from '@switchboard/web-auth';
import { createAppMetrics, createReviewMetrics, type AppMetrics } from '@switchboard/runtime';
import { Queue } from 'bullmq';
import { ReviewDeskConfig, type ReviewDeskConfigInput } from '../config.js';
import { ReviewDesk, type Suggester } from '../desk.js';
import { buildReviewServer } from '../server.js';

// Shared by this package's tests only; not exported from the package.

export const PASSWORDS = { ana: 'ana-password-1', ben: 'ben-password-2', vic: 'vic-password-3' } as const;

const record = (over: Partial<DecisionRecord>): DecisionRecord => ({
  outcome: 'decided',
  tier: 'cheap',
  model: 'gpt-4o-mini',
  promptVersion: 'routing-v1',
  decision: null,
  raw: null,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 100, promptTokens: 400, completionTokens: 40, costUsd: 0.0002 },
  decidedAt: new Date().toISOString(),
  ...over,
});

/** Escalated by the real escalation worker: a critical ticket (no model answer) and an unsure one. */
export const CRITICAL: { ticket: Ticket; record: DecisionRecord } = {
  ticket: {
    id: 'rv-critical',
    subject: 'URGENT: production down',
    body: 'Our checkout has been failing for every customer since 09:12. Orders are lost.',
    customer: { email: 'ops@shop.example', tier: 'enterprise' },
    receivedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
  },
  record: record({ outcome: 'critical', tier: null, model: null, criticalKeyword: 'urgent' }),
};
export const UNSURE: { ticket: Ticket; record: DecisionRecord } = {
  ticket: {
    id: 'rv-unsure',
    subject: 'Charged after I closed my account',
    body: 'I closed my account last month but you charged my card again on the 3rd. Please sort this out.',
    receivedAt: new Date().toISOString(),
  },
  record: record({
    outcome: 'low_confidence',
    decision: {
      category: 'cancellation',
      priority: 'medium',
      team: 'account_ops',
      confidence: 0.52,
      escalation_required: false,
      rationale: 'mentions closing the account',
    },
  }),
};

export interface DeskRig {
  prefix: string;
  fleet: FleetContext;
  desk: ReviewDesk;
  app: FastifyInstance;
  url: string;
  humanReview: Queue;
  metrics: AppMetrics;
  close(): Promise<void>;
}

export async function startDeskRig(
  over: ReviewDeskConfigInput = {},
  opts: { suggest?: Suggester } = {},
): Promise<DeskRig> {
  const prefix = uniquePrefix('review');
  const fleet = await openFleetContext({
    redisUrl: TEST_REDIS_URL,
    prefix,
    role: 'worker',
    logger: testLogger(),
    retentionDays: 8,
  });
  const escalation = startEscalation(EscalationConfig.parse({}), {
    ctx: fleet.ctx,
    store: fleet.store,
    stats: fleet.stats,
    onExhausted: fleet.deadLetter,
  });
  const decisions = openQueue(decisionsQueue, fleet.ctx);
  for (const t of [CRITICAL, UNSURE]) {
    // As ingest would have: the record exists before the ticket is classified.
    await fleet.store.markQueued(t.ticket.id, t.ticket.receivedAt);
    await decisions.add(jobIdForTicket(t.ticket.id), t);
  }
  const humanReview = new Queue(humanReviewQueue.queueName, { connection: fleet.redis, prefix });
  await waitFor(
    async () => ((await humanReview.getJobCounts('prioritized', 'waiting')).prioritized === 2 ? true : undefined),
    10_000,
    'two escalated tickets',
  );
  await escalation.close();
  await decisions.close();
  const delivery: TeamDelivery = teamDelivery(fleet.ctx, {
    webhookTeams: new Set(),
    webhookAttempts: 1,
    webhookBackoffMs: 1_000,
  });
  const metrics = createAppMetrics({ app: 'review-desk', processMetrics: false });
  const desk = new ReviewDesk(ReviewDeskConfig.parse(over), {
    metrics: createReviewMetrics(metrics.registry),
    redis: fleet.redis,
    prefix,
    store: fleet.store,
    stats: fleet.stats,
    delivery,
    pilot: fleet.pilot,
    routing: DEFAULT_ROUTING_TABLE,
    log: testLogger(),
    suggest: opts.suggest,
  });
  const cost = { N: 1024, r: 8, p: 1 };
  const app = await buildReviewServer({
    desk,
    logger: testLogger(),
    auth: {
      users: [
        { username: 'ana', roles: ['reviewer'], passwordHash: await hashPassword(PASSWORDS.ana, cost) },
        { username: 'ben', roles: ['reviewer'], passwordHash: await hashPassword(PASSWORDS.ben, cost) },
        { username: 'vic', roles: ['viewer'], passwordHash: await hashPassword(PASSWORDS.vic, cost) },
      ],
      secret: 'review-desk-test-secret-0123456789abcdef',
      sessionTtlMs: 3_600_000,
      sessions: redisSessionStore(fleet.redis, `${prefix}:web-session:review-desk`),
      secureCookie: false,
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    prefix,
    fleet,
    desk,
    app,
    url,
    humanReview,
    metrics,
    async close() {
      await app.close();
      await desk.close();
      await delivery.close();
      await humanReview.close();
      await fleet.close();
      await dropPrefix(prefix);
    },
  };
}

export const basic = (user: keyof typeof PASSWORDS): string =>
  `Basic ${Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64')}`;
