import type { Job, Worker } from 'bullmq';
import { applyGuardrails, createKeywordMatcher, ticketText, type Connector, type Team } from '@switchboard/core';
import { teamDelivery, TicketLifecycle } from '@switchboard/lifecycle';
import {
  decisionsQueue,
  startConsumer,
  type PilotLedger,
  type QueueContext,
  type RoutedTicket,
  type TicketStore,
  type TrafficStats,
  type TrainingStore,
} from '@switchboard/queues';
import type { EscalationConfig } from './config.js';

export interface EscalationDeps {
  ctx: QueueContext;
  store: TicketStore;
  /** Daily counters for drift and the weekly report; absent in tests that do not look at them. */
  stats?: TrafficStats;
  /** Indexes pilot tickets for the pilot report; absent when no pilot is wanted. */
  pilot?: PilotLedger;
  onExhausted: (job: Job, err: Error) => Promise<void>;
  /** Connectors whose write-back runs (their REST settings are set): their tickets' decisions go back to them. */
  writeBack?: ReadonlySet<Connector>;
  /** Finished tickets are kept for training (the strong and cheap tiers' answers as labels); absent, not. */
  training?: TrainingStore;
}

/**
 * Applies the human-override rules to every decision, then puts the ticket in exactly one place: its
 * team's queue (plus a signed webhook when the team has one) or the human review queue. The ticket
 * lifecycle makes that exactly once: the first route stored wins (a redelivered decision follows it,
 * even if this worker's rules would now say otherwise), and the delivery and the final status are
 * written together, so a decision that comes back after delivery delivers nothing new.
 */
export function startEscalation(
  config: EscalationConfig,
  deps: EscalationDeps,
): { worker: Worker; close(): Promise<void> } {
  const critical = createKeywordMatcher(config.criticalKeywords);
  const delivery = teamDelivery(deps.ctx, {
    webhookTeams: new Set(Object.keys(config.webhooks) as Team[]),
    webhookAttempts: config.webhookAttempts,
    webhookBackoffMs: config.webhookBackoffMs,
    writeBack: deps.writeBack,
  });
  const lifecycle = new TicketLifecycle({
    ctx: deps.ctx,
    store: deps.store,
    stats: deps.stats,
    pilot: deps.pilot,
    delivery,
    training: deps.training,
  });

  const worker = startConsumer(
    decisionsQueue,
    deps.ctx,
    { concurrency: config.concurrency, onExhausted: lifecycle.onExhausted(deps.onExhausted) },
    async ({ ticket, record }, _job, log) => {
      const text = ticketText({ subject: ticket.subject ?? '', body: ticket.body });
      const fresh = applyGuardrails(record, text, {
        critical,
        highPriorityMinConfidence: config.highPriorityMinConfidence,
      });
      const claim = await lifecycle.claim(ticket.id, fresh);
      if (claim.kind === 'delivered') {
        log.info(
          { ticketId: ticket.id, status: claim.status },
          'decision for a ticket already delivered; nothing to do',
        );
        return;
      }
      const { route } = claim;
      const routed: RoutedTicket = { ticket, record, route, routedAt: new Date().toISOString() };
      await lifecycle.finish(routed);
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
      await lifecycle.close();
      await delivery.close();
    },
  };
}
