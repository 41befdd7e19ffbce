import type { Job, Worker } from 'bullmq';
import { applyGuardrails, createKeywordMatcher, ticketText, type Team } from '@switchboard/core';
import {
  decisionsQueue,
  humanReviewQueue,
  jobIdForTicket,
  openQueue,
  RouteSchema,
  startConsumer,
  type QueueContext,
  type RoutedTicket,
  type TicketStore,
  type PilotLedger,
  type TrafficStats,
} from '@switchboard/queues';
import type { EscalationConfig } from './config.js';
import { teamDelivery } from './team-delivery.js';

export interface EscalationDeps {
  ctx: QueueContext;
  store: TicketStore;
  /** Daily counters for drift and the weekly report; absent in tests that do not look at them. */
  stats?: TrafficStats;
  /** Indexes pilot tickets for the pilot report; absent when no pilot is wanted. */
  pilot?: PilotLedger;
  onExhausted: (job: Job, err: Error) => Promise<void>;
}

/**
 * Applies the human-override rules to every decision, then puts the ticket in exactly one place: its
 * team's queue (plus a signed webhook when the team has one) or the human review queue. The first
 * route is stored before anything is delivered and a redelivered decision follows the stored route,
 * even if this worker's rules would now say otherwise; every add uses the ticket's job id, so a worker
 * that crashes after adding and is retried adds nothing new.
 */
export function startEscalation(
  config: EscalationConfig,
  deps: EscalationDeps,
): { worker: Worker; close(): Promise<void> } {
  const critical = createKeywordMatcher(config.criticalKeywords);
  const review = openQueue(humanReviewQueue, deps.ctx);
  const delivery = teamDelivery(deps.ctx, {
    webhookTeams: new Set(Object.keys(config.webhooks) as Team[]),
    webhookAttempts: config.webhookAttempts,
    webhookBackoffMs: config.webhookBackoffMs,
  });

  const worker = startConsumer(
    decisionsQueue,
    deps.ctx,
    { concurrency: config.concurrency, onExhausted: deps.onExhausted },
    async ({ ticket, record }, _job, log) => {
      const text = ticketText({ subject: ticket.subject ?? '', body: ticket.body });
      const fresh = applyGuardrails(record, text, {
        critical,
        highPriorityMinConfidence: config.highPriorityMinConfidence,
      });
      const proposed = JSON.stringify(fresh);
      const claim = await deps.store.claimRoute(ticket.id, proposed);
      if (claim.status === 'routed' || claim.status === 'escalated') {
        // Delivered already (the status is set only after delivery): a repeat must not deliver again.
        log.info(
          { ticketId: ticket.id, status: claim.status },
          'decision for a ticket already delivered; nothing to do',
        );
        return;
      }
      // Nearly always our own route comes back: only a route stored earlier (a redelivery) needs parsing.
      const route = claim.route === proposed ? fresh : RouteSchema.parse(JSON.parse(claim.route));
      const routed: RoutedTicket = { ticket, record, route, routedAt: new Date().toISOString() };
      const jobId = jobIdForTicket(ticket.id);
      if (route.escalated) {
        // The review queue's declared priority rule puts high-priority tickets first.
        await review.add(jobId, routed);
      } else {
        await delivery.deliver(routed);
      }
      const status = route.escalated ? 'escalated' : 'routed';
      const fields = { finishedAt: routed.routedAt };
      // The day's traffic counters go with the final status, in one script, and only from the call
      // that moved it there: a redelivered decision is not counted twice.
      const moved = deps.stats
        ? await deps.store.finish(
            ticket.id,
            status,
            fields,
            deps.stats.incrementFor({ language: ticket.language, record, route, routedAt: new Date(routed.routedAt) }),
          )
        : await deps.store.advance(ticket.id, status, fields);
      // Idempotent (a sorted-set member), so a redelivery that already did it changes nothing.
      if (record.pilot) await deps.pilot?.add(ticket.id, new Date(routed.routedAt));
      if (moved) deps.ctx.metrics?.routed(route);
      log.info(
        { ticketId: ticket.id, team: route.team, via: route.via, escalated: route.escalated, reasons: route.reasons },
        'routed',
      );
    },
  );

  return {
    worker,
    async close() {
      await worker.close();
      await Promise.all([review.close(), delivery.close()]);
    },
  };
}
