import { connectorOfTicket, TEAMS, type Connector, type Team } from '@switchboard/core';
import {
  jobIdForTicket,
  openQueue,
  teamQueue,
  writeBackJobId,
  writeBackQueue,
  type RetryOverride,
  type WriteBackQueueDef,
  type Transaction,
  webhooksQueue,
  type Producer,
  type QueueContext,
  type RoutedTicket,
} from '@switchboard/queues';

export interface TeamDeliveryOptions {
  webhookTeams: ReadonlySet<Team>;
  /** Overrides of the webhook queue's declared retries (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS). */
  webhookAttempts?: number | undefined;
  webhookBackoffMs?: number | undefined;
  /**
   * Connectors whose write-back is configured (ZENDESK_URL, ZAMMAD_URL): a ticket that came in through
   * one of them also gets a write-back job, so its helpdesk learns the decision. Absent: none.
   */
  writeBack?: ReadonlySet<Connector>;
  /** Overrides of the write-back queues' declared retries (tests; the catalog holds the defaults). */
  writeBackRetry?: RetryOverride;
}

export interface TeamDelivery {
  /**
   * The team's queue, plus its signed webhook when one is configured, queued on the transaction that
   * also records where the ticket ended; idempotent per ticket (its job id).
   */
  deliverOnto(t: Transaction, routed: RoutedTicket): void;
  /**
   * The decision's write-back to the helpdesk the ticket came from, when that connector is configured;
   * nothing for other tickets. `deliverOnto` does it for routed tickets; escalated ones call it directly.
   */
  writeBackOnto(t: Transaction, routed: RoutedTicket, byPerson?: boolean): void;
  /** A producer on the fleet's connection, to open a transaction with. */
  readonly via: Producer<'ticket', ReturnType<typeof teamQueue>['schema']>;
  close(): Promise<void>;
}

/**
 * The one path a ticket takes to its team, whether a machine or a person routed it: the team queue
 * under the ticket's job id (so a repeat adds nothing), then the webhook with its queue's retries and backoff.
 */
export function teamDelivery(ctx: QueueContext, opts: TeamDeliveryOptions): TeamDelivery {
  const webhooks = openQueue(webhooksQueue, ctx, {
    attempts: opts.webhookAttempts,
    backoffDelayMs: opts.webhookBackoffMs,
  });
  const teams = Object.fromEntries(TEAMS.map((t) => [t, openQueue(teamQueue(t), ctx)])) as Record<
    Team,
    Producer<'ticket', ReturnType<typeof teamQueue>['schema']>
  >;
  const writeBacks = new Map<Connector, Producer<'write-back', WriteBackQueueDef['schema']>>(
    [...(opts.writeBack ?? [])].map((c) => [c, openQueue(writeBackQueue(c), ctx, opts.writeBackRetry)]),
  );
  const writeBackOnto = (t: Transaction, routed: RoutedTicket, byPerson = false): void => {
    const from = connectorOfTicket(routed.ticket.id);
    const producer = from && writeBacks.get(from.connector);
    // One job per decision: a repeat of the same decision adds nothing (its job id), a person's later
    // answer is a decision of its own.
    if (producer) t.add(producer, writeBackJobId(routed.ticket.id, byPerson), routed);
  };
  const deliverOnto = (t: Transaction, routed: RoutedTicket): void => {
    const jobId = jobIdForTicket(routed.ticket.id);
    t.add(teams[routed.route.team], jobId, routed);
    if (opts.webhookTeams.has(routed.route.team)) {
      t.add(webhooks, jobId, routed);
    }
    // A delivered ticket that was escalated is a person's answer (the review desk's resolve); the
    // machine's escalation itself is written back by the lifecycle's finish.
    writeBackOnto(t, routed, routed.route.escalated);
  };
  return {
    via: teams.triage,
    deliverOnto,
    writeBackOnto,
    async close() {
      await Promise.all([
        webhooks.close(),
        ...Object.values(teams).map((q) => q.close()),
        ...[...writeBacks.values()].map((q) => q.close()),
      ]);
    },
  };
}
