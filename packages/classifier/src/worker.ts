import { Worker, type Job } from 'bullmq';
import { createKeywordMatcher, runCascade, type Tier } from '@switchboard/core';
import {
  decisionsQueue,
  jobIdForTicket,
  openQueue,
  startConsumer,
  ticketsQueue,
  type QueueContext,
  type TicketStore,
} from '@switchboard/queues';
import type { ClassifierConfig } from './config.js';

export interface ClassifierDeps {
  ctx: QueueContext;
  store: TicketStore;
  tiers: readonly Tier[];
  onExhausted: (job: Job, err: Error) => Promise<void>;
}

export interface ClassifierService {
  worker: Worker;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Takes tickets off the tickets queue, runs the cascade and hands the decision record to escalation.
 * The record is stored before the decision job is added, so a fast escalation worker can never have
 * its final status overwritten by this one.
 */
export function startClassifier(config: ClassifierConfig, deps: ClassifierDeps): ClassifierService {
  const decisions = openQueue(decisionsQueue, deps.ctx);
  const critical = createKeywordMatcher(config.criticalKeywords);
  const worker: Worker = startConsumer(ticketsQueue, deps.ctx, { concurrency: config.concurrency, onExhausted: deps.onExhausted }, async ({ ticket }, _job, log) => {
    await deps.store.advance(ticket.id, 'classifying', {
      receivedAt: ticket.receivedAt,
      classificationStartedAt: new Date().toISOString(),
    });
    const result = await runCascade(
      { ticketId: ticket.id, subject: ticket.subject ?? '', body: ticket.body, language: ticket.language },
      {
        tiers: deps.tiers,
        critical,
        transientRetries: config.transientRetries,
        invalidRetries: config.invalidRetries,
        backoffMs: (retry) => config.backoffBaseMs * 2 ** retry,
        sleep,
        now: () => performance.now(),
        clock: () => new Date(),
      },
    );
    if (result.kind === 'rate_limited') {
      // A 429 pauses this queue for every classifier, as the provider asked, and does not spend an attempt.
      log.warn({ tier: result.tier, retryAfterMs: result.retryAfterMs }, 'provider rate limit; pausing queue');
      await worker.rateLimit(result.retryAfterMs);
      throw Worker.RateLimitError();
    }
    const { record } = result;
    await deps.store.advance(ticket.id, 'classifying', { decision: JSON.stringify(record), decidedAt: record.decidedAt });
    await decisions.add(jobIdForTicket(ticket.id), { ticket, record });
    log.info(
      { ticketId: ticket.id, outcome: record.outcome, tier: record.tier, costUsd: record.totals.costUsd, latencyMs: Math.round(record.totals.latencyMs) },
      'classified',
    );
  });

  return {
    worker,
    async close() {
      await worker.close();
      await decisions.close();
    },
  };
}
