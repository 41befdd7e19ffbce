import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Worker, type Queue } from 'bullmq';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import {
  jobIdForTicket,
  type DeadLetterJob,
  type DecisionJob,
  type RoutedTicket,
  type TicketJob,
} from '@switchboard/queues';
import { TEST_REDIS_URL } from '@switchboard/testkit';
import { hashPassword, type WebUser } from '@switchboard/web-auth';

/** Words no response to a viewer may contain: one per sensitive field of a ticket and its decision. */
export const SECRETS = {
  subject: 'Quixotic invoice',
  body: 'Wobblefrost charged my card twice',
  email: 'ayse.yilmaz@example.com',
  metadata: 'Vermilion',
  rationale: 'Kestrelwind refund',
  raw: 'Marmaladeraw',
} as const;
export const SECRET_VALUES: readonly string[] = Object.values(SECRETS);

// Cheap scrypt cost: the tests check who gets in, not how hard a hash is to crack.
const FAST = { N: 1024, r: 8, p: 1 };
export const PASSWORDS = { viewer: 'viewer pass phrase', operator: 'operator pass phrase' } as const;
export const testUsers = async (): Promise<WebUser[]> => [
  { username: 'vera', roles: ['viewer'], passwordHash: await hashPassword(PASSWORDS.viewer, FAST) },
  { username: 'otto', roles: ['operator'], passwordHash: await hashPassword(PASSWORDS.operator, FAST) },
];
export const SESSION_SECRET = 'dashboard-test-secret-0123456789abcdef';

export const ticket = (id: string): Ticket => ({
  id,
  subject: SECRETS.subject,
  body: `Hello, ${SECRETS.body}. Write to ${SECRETS.email}.`,
  channel: 'email',
  customer: { id: 'cust-42', email: SECRETS.email, tier: 'pro' },
  language: 'en',
  metadata: { crm: SECRETS.metadata },
  receivedAt: '2025-01-06T09:00:00.000Z',
});

const record = (): DecisionRecord => ({
  outcome: 'decided',
  tier: 'cheap',
  model: 'gpt-4o-mini',
  promptVersion: 'v3-abc123',
  decision: {
    category: 'billing',
    priority: 'high',
    team: 'billing_support',
    confidence: 0.7,
    escalation_required: false,
    rationale: SECRETS.rationale,
  },
  raw: `{"category":"billing","rationale":"${SECRETS.raw}"}`,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [
    {
      tier: 'cheap',
      model: 'gpt-4o-mini',
      outcome: 'accepted',
      raw: `{"note":"${SECRETS.raw}"}`,
      confidence: 0.7,
      latencyMs: 420,
      promptTokens: 310,
      completionTokens: 40,
      costUsd: 0.0001,
    },
  ],
  totals: { latencyMs: 420, promptTokens: 310, completionTokens: 40, costUsd: 0.0001 },
  decidedAt: '2025-01-06T09:00:01.000Z',
});

export const routedTicket = (id: string): RoutedTicket => ({
  ticket: ticket(id),
  record: record(),
  route: { team: 'billing_support', via: 'human', escalated: true, reasons: ['high_priority_low_confidence'] },
  routedAt: '2025-01-06T09:00:02.000Z',
});

/** The fleet's queues by name, so a test can put jobs where the pipeline would. */
export const queueNamed = (queues: readonly Queue[], name: string): Queue => {
  const queue = queues.find((q) => q.name === name);
  if (!queue) throw new Error(`no queue ${name} on the board`);
  return queue;
};

export interface SeededJobs {
  /** Waiting in `tickets`. */
  waiting: { queue: string; id: string };
  /** Failed in `decisions`, with a job log line and an error that quote the customer. */
  failed: { queue: string; id: string };
  /** Delayed in `human-review`. */
  delayed: { queue: string; id: string };
  /** Completed in the billing team's queue, with a return value that echoes the ticket. */
  completed: { queue: string; id: string };
  /** In `dead-letter`, holding a whole ticket payload one level down. */
  dead: { queue: string; id: string };
}

/**
 * One job in each state a board shows, every one carrying the same ticket. Failed and completed
 * jobs are moved there by hand with a worker token, as a worker would, without a processing loop
 * whose timing a test would have to wait out.
 */
export async function seedJobs(queues: readonly Queue[], prefix: string): Promise<SeededJobs> {
  const ids = {
    waiting: 'dash-wait',
    failed: 'dash-fail',
    delayed: 'dash-delay',
    completed: 'dash-done',
    dead: 'dash-dead',
  };
  const tickets = queueNamed(queues, 'tickets');
  const decisions = queueNamed(queues, 'decisions');
  const review = queueNamed(queues, 'human-review');
  const team = queueNamed(queues, 'team-billing-support');
  const deadLetter = queueNamed(queues, 'dead-letter');

  const ticketJob: TicketJob = { ticket: ticket(ids.waiting) };
  await tickets.add('classify', ticketJob, { jobId: jobIdForTicket(ids.waiting) });
  const decisionJob: DecisionJob = { ticket: ticket(ids.failed), record: record() };
  await decisions.add('route', decisionJob, { jobId: jobIdForTicket(ids.failed), attempts: 1 });
  await review.add('review', routedTicket(ids.delayed), { jobId: jobIdForTicket(ids.delayed), delay: 3_600_000 });
  await team.add('ticket', routedTicket(ids.completed), { jobId: jobIdForTicket(ids.completed) });
  const dead: DeadLetterJob = {
    queue: 'tickets',
    jobName: 'classify',
    jobId: jobIdForTicket(ids.dead),
    data: { ticket: ticket(ids.dead) },
    error: `model refused the ticket from ${SECRETS.email}`,
    attemptsMade: 5,
    failedAt: '2025-01-06T09:05:00.000Z',
  };
  await deadLetter.add('dead', dead, { jobId: `tickets--${jobIdForTicket(ids.dead)}` });

  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const token = randomUUID();
    const decisionsWorker = new Worker(decisions.name, null, { connection, prefix, autorun: false });
    const failing = await decisionsWorker.getNextJob(token, { block: false });
    if (!failing) throw new Error('seed: no decisions job to fail');
    await failing.log(`routing ticket for ${SECRETS.email}: ${SECRETS.body}`);
    await failing.moveToFailed(new Error(`webhook refused the ticket of ${SECRETS.email}`), token, false);
    await decisionsWorker.close();

    const teamWorker = new Worker(team.name, null, { connection, prefix, autorun: false });
    const done = await teamWorker.getNextJob(token, { block: false });
    if (!done) throw new Error('seed: no team job to complete');
    await done.moveToCompleted(
      { delivered: true, echo: { body: SECRETS.body, customer: { email: SECRETS.email } } },
      token,
      false,
    );
    await teamWorker.close();
  } finally {
    await connection.quit();
  }

  const at = (queue: Queue, id: string) => ({ queue: queue.name, id: jobIdForTicket(id) });
  return {
    waiting: at(tickets, ids.waiting),
    failed: at(decisions, ids.failed),
    delayed: at(review, ids.delayed),
    completed: at(team, ids.completed),
    dead: { queue: deadLetter.name, id: `tickets--${jobIdForTicket(ids.dead)}` },
  };
}

/** The login form as a browser sends it: the page first (its CSRF cookie and token), then the post. */
export async function formLogin(
  app: FastifyInstance,
  fields: { username: string; password: string; next?: string },
): Promise<LightMyRequestResponse> {
  const form = await app.inject({ url: '/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const csrfCookie = String([form.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
  return app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    payload: new URLSearchParams({ next: '/', ...fields, _csrf: token }).toString(),
  });
}

/** A page's CSRF token and the cookie it pairs with, for a form a test posts. */
export async function csrfFor(
  app: FastifyInstance,
  url: string,
  cookie: string,
): Promise<{ token: string; cookie: string }> {
  const page = await app.inject({ url, headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const set = [page.headers['set-cookie']].flat().filter(Boolean);
  return { token, cookie: [cookie, ...set.map((c) => String(c).split(';')[0])].join('; ') };
}
