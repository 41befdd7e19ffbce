import type { Job, Worker } from 'bullmq';
import { TicketLifecycle } from '@switchboard/lifecycle';
import { startConsumer, webhooksQueue, type QueueContext, type TicketStore } from '@switchboard/queues';
import type { EscalationConfig } from './config.js';
import { signWebhook } from './signature.js';

export class WebhookError extends Error {
  override name = 'WebhookError';
}

/**
 * POSTs a routed ticket to its team's webhook, signed, with BullMQ's exponential backoff between
 * attempts and dead letter after the last. `X-Switchboard-Delivery` lets the receiver drop repeats:
 * an HTTP delivery can only be at-least-once.
 */
export function startWebhookWorker(
  config: EscalationConfig,
  deps: {
    ctx: QueueContext;
    /** The ticket records: a delivery that used its last attempt is noted on its ticket. */
    store: TicketStore;
    onExhausted: (job: Job, err: Error) => Promise<void>;
    fetchImpl?: typeof fetch;
  },
): Worker {
  const doFetch = deps.fetchImpl ?? fetch;
  // It only notes failed deliveries, which opens no queue: nothing of its own to close.
  const lifecycle = new TicketLifecycle({ ctx: deps.ctx, store: deps.store });
  return startConsumer(
    webhooksQueue,
    deps.ctx,
    { concurrency: config.webhookConcurrency, onExhausted: lifecycle.onExhausted(deps.onExhausted) },
    async (routed, job, log) => {
      const hook = config.webhooks[routed.route.team];
      if (!hook) {
        log.warn({ team: routed.route.team }, 'webhook no longer configured; dropping delivery');
        return;
      }
      const body = JSON.stringify({
        ticketId: routed.ticket.id,
        ticket: routed.ticket,
        route: routed.route,
        decision: routed.record,
        routedAt: routed.routedAt,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await doFetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-switchboard-timestamp': String(timestamp),
          'x-switchboard-signature': signWebhook(hook.secret, timestamp, body),
          'x-switchboard-delivery': job.id ?? routed.ticket.id,
        },
        body,
        // A redirect would re-send the signed ticket to a host nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(config.webhookTimeoutMs),
      });
      await res.body?.cancel();
      if (!res.ok) throw new WebhookError(`webhook for ${routed.route.team} answered ${res.status}`);
      log.info({ team: routed.route.team, status: res.status }, 'webhook delivered');
    },
  );
}
