import type { Queue } from 'bullmq';
import type { DecisionRecord, Route, Ticket } from '@switchboard/core';
import { teamDelivery, TicketLifecycle, type TeamDelivery } from '@switchboard/lifecycle';
import { deadLetterQueue, openFleetContext, openQueue, type FleetContext, type TicketView } from '@switchboard/queues';
import {
  dropPrefix,
  startFakeZammad,
  startFakeZendesk,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeZammad,
  type FakeZendesk,
} from '@switchboard/testkit';
import { zammadWriteBack, zendeskWriteBack, type WriteBackConfig } from '../config.js';
import { UPSTREAM_ASSIGNEE, UPSTREAM_GROUP } from '../inbound.js';
import { startWriteBackWorker, type WriteBackWorker } from '../worker.js';
import { zammadWriter } from '../zammad.js';
import { zendeskWriter } from '../zendesk.js';

// Shared by this package's tests only.

export const ZENDESK_AUTH = { email: 'bot@acme.example', token: 'zd-api-token-0123456789' };
export const ZAMMAD_TOKEN = 'zammad-token-0123456789';
export const ZENDESK_GROUPS = { billing_support: 360001, tech_support: 360002, triage: 360009 };
export const ZAMMAD_GROUPS = { billing_support: 11, tech_support: 12, triage: 19 };

export const decided = (over: Partial<NonNullable<DecisionRecord['decision']>> = {}): DecisionRecord => ({
  outcome: 'decided',
  tier: 'cheap',
  model: 'gpt-4o-mini',
  promptVersion: 'routing-v1',
  decision: {
    category: 'billing',
    priority: 'high',
    team: 'billing_support',
    confidence: 0.93,
    escalation_required: false,
    rationale: 'charged twice for one invoice',
    ...over,
  },
  raw: null,
  criticalKeyword: null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
});

export const routedTo = (team: Route['team'], over: Partial<Route> = {}): Route => ({
  team,
  via: 'cheap',
  escalated: false,
  reasons: [],
  ...over,
});

export interface WriteBackRig {
  fleet: FleetContext;
  zendesk: FakeZendesk;
  zammad: FakeZammad;
  deadLetter: Queue;
  lifecycle: TicketLifecycle;
  delivery: TeamDelivery;
  /** Starts the connector's worker (the app does this when ZENDESK_URL / ZAMMAD_URL is set). */
  startWorker(connector: 'zendesk' | 'zammad', concurrency?: number): WriteBackWorker;
  /** A connector ticket as ingest records it, with the helpdesk's group and assignee at that moment. */
  ticket(connector: 'zendesk' | 'zammad', upstreamId: number, group: number | null): Ticket;
  /** Ends a ticket as escalation does (claim, then finish): the write-back job is added with the delivery. */
  finish(ticket: Ticket, record: DecisionRecord, route: Route): Promise<void>;
  /** Waits for the ticket record's write-back note. */
  writeBack(ticketId: string, timeoutMs?: number): Promise<NonNullable<TicketView['writeBack']>>;
  close(): Promise<void>;
}

export async function openWriteBackRig(
  label: string,
  opts: { timeoutMs?: number; attempts?: number } = {},
): Promise<WriteBackRig> {
  const prefix = uniquePrefix(label);
  const fleet = await openFleetContext({
    redisUrl: TEST_REDIS_URL,
    prefix,
    role: 'worker',
    logger: testLogger(label),
    retentionDays: 30,
  });
  const zendesk = await startFakeZendesk(ZENDESK_AUTH);
  const zammad = await startFakeZammad(ZAMMAD_TOKEN);
  const delivery = teamDelivery(fleet.ctx, {
    webhookTeams: new Set(),
    writeBack: new Set(['zendesk', 'zammad']),
    // Short waits, so a test sees the retries within seconds; the catalog's are 5 s doubling.
    writeBackRetry: { attempts: opts.attempts ?? 8, backoffDelayMs: 100 },
  });
  const lifecycle = new TicketLifecycle({ ctx: fleet.ctx, store: fleet.store, delivery });
  const deadLetter = openQueue(deadLetterQueue, fleet.ctx).queue;
  const workers: WriteBackWorker[] = [];
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const configs: Record<'zendesk' | 'zammad', WriteBackConfig> = {
    zendesk: zendeskWriteBack(
      {
        ZENDESK_URL: zendesk.url,
        ZENDESK_EMAIL: ZENDESK_AUTH.email,
        ZENDESK_API_TOKEN: ZENDESK_AUTH.token,
        ZENDESK_GROUPS,
      },
      timeoutMs,
    ) as WriteBackConfig,
    zammad: zammadWriteBack({ ZAMMAD_URL: zammad.url, ZAMMAD_TOKEN, ZAMMAD_GROUPS }, timeoutMs) as WriteBackConfig,
  };
  return {
    fleet,
    zendesk,
    zammad,
    deadLetter,
    lifecycle,
    delivery,
    startWorker(connector, concurrency = 4) {
      const config = configs[connector];
      const writer = connector === 'zendesk' ? zendeskWriter(config) : zammadWriter(config);
      const w = startWriteBackWorker({
        config,
        writer,
        ctx: fleet.ctx,
        store: fleet.store,
        onExhausted: fleet.deadLetter,
        concurrency,
      });
      workers.push(w);
      return w;
    },
    ticket(connector, upstreamId, group) {
      return {
        id: `${connector}-${upstreamId}`,
        subject: 'Charged twice',
        body: 'I was charged twice for my last invoice, please refund one.',
        receivedAt: new Date().toISOString(),
        metadata: { connector, [UPSTREAM_GROUP]: group, [UPSTREAM_ASSIGNEE]: null },
      };
    },
    async finish(ticket, record, route) {
      await fleet.store.markQueued(ticket.id, ticket.receivedAt);
      const claim = await lifecycle.claim(ticket.id, route);
      if (claim.kind !== 'claimed') return;
      await lifecycle.finish({ ticket, record, route: claim.route, routedAt: new Date().toISOString() });
    },
    writeBack(ticketId, timeoutMs = 15_000) {
      return waitFor(async () => (await fleet.store.get(ticketId))?.writeBack, timeoutMs, `write-back of ${ticketId}`);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await lifecycle.close();
      await delivery.close();
      await deadLetter.close();
      await fleet.close();
      await zendesk.close();
      await zammad.close();
      await dropPrefix(prefix);
    },
  };
}
