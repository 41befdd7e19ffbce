import type { Job, Worker } from 'bullmq';
import { applyGuardrails, createKeywordMatcher, ticketText, type Priority } from '@switchboard/core';
import {
  decisionsQueue,
  humanReviewQueue,
  jobIdForTicket,
  openQueue,
  startConsumer,
  teamQueue,
  webhooksQueue,
  type Producer,
  type QueueContext,
  type RoutedTicket,
  type TicketStore,
} from '@switchboard/queues';
import { TEAMS } from '@switchboard/core';
import type { EscalationConfig } from './config.js';

export interface EscalationDeps {
  ctx: QueueContext;
  store: TicketStore;
  onExhausted: (job: Job, err: Error) => Promise<void>;
}

/** Reviewers see high-priority tickets first (BullMQ: lower number, earlier). */
const REVIEW_PRIORITY: Record<Priority, number> = { high: 1, medium: 2, low: 3 };

/**
 * Applies the human-override rules to every decision, then puts the ticket in exactly one place: its
 * team's queue (plus a signed webhook when the team has one) or the human review queue. Every add uses
 * the ticket's job id, so a worker that crashes after adding and is retried adds nothing new.
 */
export function startEscalation(config: EscalationConfig, deps: EscalationDeps): { worker: Worker; close(): Promise<void> } {
  const critical = createKeywordMatcher(config.criticalKeywords);
  const review = openQueue(humanReviewQueue, deps.ctx);
  const webhooks = openQueue(webhooksQueue, deps.ctx);
  const teams = new Map(TEAMS.map((t) => [t, openQueue(teamQueue(t), deps.ctx)] as const));
  const team = (t: (typeof TEAMS)[number]): Producer<'ticket', ReturnType<typeof teamQueue>['schema']> => {
    const q = teams.get(t);
    if (!q) throw new Error(`no queue for team ${t}`);
    return q;
  };

  const worker = startConsumer(decisionsQueue, deps.ctx, { concurrency: config.concurrency, onExhausted: deps.onExhausted }, async ({ ticket, record }, _job, log) => {
    const text = ticketText({ subject: ticket.subject ?? '', body: ticket.body });
    const route = applyGuardrails(record, text, { critical, highPriorityMinConfidence: config.highPriorityMinConfidence });
    const routed: RoutedTicket = { ticket, record, route, routedAt: new Date().toISOString() };
    const jobId = jobIdForTicket(ticket.id);
    if (route.escalated) {
      await review.add(jobId, routed, { priority: REVIEW_PRIORITY[record.decision?.priority ?? 'high'] });
    } else {
      await team(route.team).add(jobId, routed);
      if (config.webhooks[route.team]) await webhooks.add(jobId, routed, { attempts: config.webhookAttempts, backoff: { type: 'exponential', delay: config.webhookBackoffMs } });
    }
    await deps.store.advance(ticket.id, route.escalated ? 'escalated' : 'routed', {
      route: JSON.stringify(route),
      finishedAt: routed.routedAt,
    });
    log.info({ ticketId: ticket.id, team: route.team, via: route.via, escalated: route.escalated, reasons: route.reasons }, 'routed');
  });

  return {
    worker,
    async close() {
      await worker.close();
      await Promise.all([review.close(), webhooks.close(), ...[...teams.values()].map((q) => q.close())]);
    },
  };
}
