import { TEAMS, type Team } from '@switchboard/core';
import {
  jobIdForTicket,
  openQueue,
  teamQueue,
  webhooksQueue,
  type Producer,
  type QueueContext,
  type RoutedTicket,
} from '@switchboard/queues';

export interface TeamDelivery {
  /** The team's queue, plus its signed webhook when one is configured; idempotent per ticket. */
  deliver(routed: RoutedTicket): Promise<void>;
  close(): Promise<void>;
}

/**
 * The one path a ticket takes to its team, whether a machine or a person routed it: the team queue
 * under the ticket's job id (so a repeat adds nothing), then the webhook with its queue's retries and backoff.
 */
export function teamDelivery(
  ctx: QueueContext,
  opts: {
    webhookTeams: ReadonlySet<Team>;
    /** Overrides of the webhook queue's declared retries (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS). */
    webhookAttempts?: number | undefined;
    webhookBackoffMs?: number | undefined;
  },
): TeamDelivery {
  const webhooks = openQueue(webhooksQueue, ctx, {
    attempts: opts.webhookAttempts,
    backoffDelayMs: opts.webhookBackoffMs,
  });
  const teams = Object.fromEntries(TEAMS.map((t) => [t, openQueue(teamQueue(t), ctx)])) as Record<
    Team,
    Producer<'ticket', ReturnType<typeof teamQueue>['schema']>
  >;
  return {
    async deliver(routed) {
      const jobId = jobIdForTicket(routed.ticket.id);
      await teams[routed.route.team].add(jobId, routed);
      if (opts.webhookTeams.has(routed.route.team)) {
        await webhooks.add(jobId, routed);
      }
    },
    async close() {
      await Promise.all([webhooks.close(), ...Object.values(teams).map((q) => q.close())]);
    },
  };
}
