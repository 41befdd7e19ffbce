import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectorOfTicket } from '@switchboard/core';
import {
  openBullQueue,
  startConsumer,
  writeBackQueue,
  type QueueContext,
  type RoutedTicket,
  type TicketStore,
} from '@switchboard/queues';
import type { WriteBackConfig } from './config.js';
import { RateLimitedError, RejectedError } from './http.js';
import { UPSTREAM_ASSIGNEE, UPSTREAM_GROUP } from './inbound.js';
import { planWriteBack } from './plan.js';
import { idOf, type Baseline, type HelpdeskWriter } from './writer.js';
import { zammadWriter } from './zammad.js';
import { zendeskWriter } from './zendesk.js';

export interface WriteBackWorkerOptions {
  config: WriteBackConfig;
  writer: HelpdeskWriter;
  ctx: QueueContext;
  store: TicketStore;
  /** The fleet's dead-letter writer: a write-back out of attempts is copied there. */
  onExhausted: (job: Job, err: Error) => Promise<void>;
  concurrency?: number;
  /**
   * The steady pace, across every worker of this connector (BullMQ's limiter is per queue). It also
   * lets a 429's hold (Retry-After) apply to every worker, not only the one that got the 429.
   */
  limiter?: { max: number; duration: number };
}

export interface WriteBackWorker {
  worker: Worker;
  close(): Promise<void>;
}

function baselineOf(routed: RoutedTicket): Baseline | undefined {
  const meta = routed.ticket.metadata;
  if (!meta || !(UPSTREAM_GROUP in meta)) return undefined;
  return { groupId: idOf(meta[UPSTREAM_GROUP]), assigneeId: idOf(meta[UPSTREAM_ASSIGNEE]) };
}

/**
 * Applies each final decision to the ticket in its helpdesk, once in effect: the writer reads the ticket
 * first, so a repeat (a retry, a worker killed after the helpdesk answered) finds its own note and
 * writes nothing twice, and a person's routing since ingest is left alone ("already routed by a
 * person" on the ticket record). A 429 holds this connector's whole queue for Retry-After without
 * spending an attempt; 5xx and timeouts are retried with the queue's backoff; other 4xx fail at once;
 * a write-back out of attempts goes to dead letter and shows as `failed` on the ticket record.
 */
export function startWriteBackWorker(opts: WriteBackWorkerOptions): WriteBackWorker {
  const { config, writer, ctx, store } = opts;
  const def = writeBackQueue(config.connector);
  // The hold is set through a Queue (BullMQ 6's place for a manual rate limit), which no job is added to.
  const holder = openBullQueue(def, ctx);
  const inFlight = new Set<Promise<void>>();
  const exhausted = (job: Job, err: Error): Promise<void> => {
    const p = opts
      .onExhausted(job, err)
      .then(async () => {
        const routed = def.schema.safeParse(job.data);
        if (!routed.success) return;
        await store.noteWriteBack(routed.data.ticket.id, {
          connector: config.connector,
          outcome: 'failed',
          detail: `${err.message} (after ${job.attemptsMade} attempts; in dead letter as ${def.queueName}--${job.id ?? '?'})`,
          decision: job.id?.endsWith('-human') ? 'human' : 'machine',
          at: new Date().toISOString(),
        });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  const worker = startConsumer(
    def,
    ctx,
    {
      concurrency: opts.concurrency ?? 4,
      onExhausted: exhausted,
      worker: { limiter: opts.limiter ?? { max: 10, duration: 1_000 } },
    },
    async (routed, job, log) => {
      const from = connectorOfTicket(routed.ticket.id);
      if (from?.connector !== config.connector)
        throw new UnrecoverableError(`${routed.ticket.id} is not a ${config.connector} ticket`);
      // The job id says whose decision it is: the review desk's answers are `t-<id>-human`.
      const byPerson = job.id?.endsWith('-human') ?? false;
      const plan = planWriteBack(routed, config.groups, job.id ?? routed.ticket.id, byPerson);
      // A person's answer after our own write compares with what we wrote, not with the state at ingest.
      let baseline = baselineOf(routed);
      const last = byPerson ? await store.writeBackOf(routed.ticket.id) : undefined;
      if (baseline && last?.outcome === 'written' && last.group !== undefined)
        baseline = { ...baseline, groupId: last.group };
      let result;
      try {
        result = await writer.apply(from.upstreamId, plan, baseline);
      } catch (err) {
        if (err instanceof RateLimitedError) {
          log.warn({ holdMs: err.retryAfterMs }, `${config.connector} rate limited: holding its write-backs`);
          await holder.rateLimit(err.retryAfterMs);
          throw Worker.RateLimitError();
        }
        if (err instanceof RejectedError) throw new UnrecoverableError(err.message);
        throw err;
      }
      await store.noteWriteBack(routed.ticket.id, {
        connector: config.connector,
        outcome: result.outcome,
        detail: result.detail,
        decision: plan.decision,
        ...(result.outcome === 'written' && plan.groupId !== undefined ? { group: plan.groupId } : {}),
        at: new Date().toISOString(),
      });
      log.info({ ticketId: routed.ticket.id, outcome: result.outcome, detail: result.detail }, 'written back');
    },
  );

  return {
    worker,
    async close() {
      await worker.close();
      await Promise.allSettled([...inFlight]);
      await holder.close();
    },
  };
}

/** The product's writer for a write-back configuration. */
export const writerFor = (config: WriteBackConfig, fetchImpl?: typeof fetch): HelpdeskWriter =>
  config.connector === 'zendesk' ? zendeskWriter(config, fetchImpl) : zammadWriter(config, fetchImpl);
