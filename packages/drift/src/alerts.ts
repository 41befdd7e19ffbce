import type { Job, Worker } from 'bullmq';
import { alertsQueue, openQueue, startConsumer, type AlertJob, type QueueContext } from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';
import type { PostMessage } from './slack.js';

export type AlertKind = AlertJob['kind'];

export interface Alerts {
  /** Queues a message; `key` makes a retried drift run send each message once. */
  send(kind: AlertKind, text: string, key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Alerts go through a queue so that a Slack outage retries with backoff and ends in dead letter. The
 * retries are the alerts queue's declared policy; `attempts` and `backoffMs` override it (tests).
 */
export function alertsProducer(
  ctx: QueueContext,
  opts: { channel: string | undefined; attempts?: number | undefined; backoffMs?: number | undefined; log: Logger },
): Alerts {
  const queue = openQueue(alertsQueue, ctx, { attempts: opts.attempts, backoffDelayMs: opts.backoffMs });
  return {
    async send(kind, text, key) {
      if (!opts.channel) {
        opts.log.warn({ kind, text }, 'alert (no Slack channel configured)');
        return;
      }
      await queue.add(`alert-${kind}-${key}`, {
        channel: opts.channel,
        text,
        kind,
        createdAt: new Date().toISOString(),
      });
    },
    close: () => queue.close(),
  };
}

/**
 * Posts queued alerts. A job without a channel (raised outside drift, e.g. by the classifier's live
 * guard) goes to `channel`; with no Slack configured (`post` absent) the alert is written to the log,
 * so alerts never pile up unread in the queue.
 */
export function startAlertsWorker(
  ctx: QueueContext,
  slack: { post: PostMessage; channel: string | undefined } | undefined,
  onExhausted: (job: Job, err: Error) => Promise<void>,
): Worker {
  const exhausted = async (job: Job, err: Error): Promise<void> => {
    ctx.logger.error(
      { jobId: job.id, err: { message: err.message } },
      'alert could not be posted to Slack after every attempt; it is in dead letter',
    );
    await onExhausted(job, err);
  };
  return startConsumer(alertsQueue, ctx, { concurrency: 2, onExhausted: exhausted }, async (data, _job, log) => {
    const channel = data.channel ?? slack?.channel;
    if (!slack || !channel) {
      log.warn({ kind: data.kind, text: data.text }, 'alert (no Slack channel configured)');
      return;
    }
    await slack.post(channel, data.text);
    log.info({ kind: data.kind, channel }, 'alert posted');
  });
}
