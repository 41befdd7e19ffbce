import { DelayedError, type Job, type Worker } from 'bullmq';
import { runCascade, type Tier, type TierName } from '@switchboard/core';
import { TicketLifecycle } from '@switchboard/lifecycle';
import { startConsumer, ticketsQueue, type QueueContext, type TicketStore } from '@switchboard/queues';
import type { ClassifierConfig } from './config.js';
import { cascadeOptions } from './cascade-options.js';
import type { FallbackView } from './fallback-view.js';
import type { RolloutView } from './rollout-view.js';
import { wantsSpotCheck } from './spot-check.js';

export interface ClassifierDeps {
  ctx: QueueContext;
  store: TicketStore;
  tiers: readonly Tier[];
  /** The fleet-wide drift fallback; absent, every configured tier is always used. */
  fallback?: FallbackView;
  /** The pilot against the legacy router; absent, the cascade alone decides. */
  rollout?: RolloutView;
  onExhausted: (job: Job, err: Error) => Promise<void>;
}

export interface ClassifierService {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Takes tickets off the tickets queue, runs the cascade and hands the decision record to escalation,
 * through the ticket lifecycle: a finished ticket is left alone, and a redelivered job reuses the
 * record stored by the first attempt instead of paying twice. A job out of attempts is dead-lettered
 * and its ticket handed to a person.
 */
export function startClassifier(config: ClassifierConfig, deps: ClassifierDeps): ClassifierService {
  const lifecycle = new TicketLifecycle({ ctx: deps.ctx, store: deps.store });
  const base = cascadeOptions(config, deps.tiers);
  const modelOf = (tier: TierName): string =>
    (tier === 'cheap' ? config.cheap?.model : tier === 'strong' ? config.strong?.model : undefined) ?? tier;

  const worker = startConsumer(
    ticketsQueue,
    deps.ctx,
    { concurrency: config.concurrency, onExhausted: lifecycle.onExhausted(deps.onExhausted) },
    async (data, job, log, token) => {
      const { ticket } = data;
      const begun = await lifecycle.begin(ticket);
      if (begun.kind === 'finished') {
        log.info({ ticketId: ticket.id, status: begun.status }, 'ticket already finished; nothing to do');
        return;
      }
      if (begun.kind === 'decided') {
        await lifecycle.handOver(ticket, begun.record);
        log.info({ ticketId: ticket.id }, 'decision already recorded; handed on without a new classification');
        return;
      }
      const deferrals = data.deferrals ?? 0;
      const plan = deps.fallback
        ? await deps.fallback.plan(deps.tiers)
        : { tiers: deps.tiers, notes: [], metered: false };
      const result = await runCascade(
        { ticketId: ticket.id, subject: ticket.subject ?? '', body: ticket.body, language: ticket.language },
        { ...base, tiers: plan.tiers, rateLimitIsUnavailable: deferrals >= config.maxRateLimitDeferrals },
      );
      if (result.kind === 'rate_limited') {
        // Only a 429 the provider actually sent counts towards giving up on the tier; a ticket held back
        // while the tier waits out an earlier 429 just waits its turn (moving it to strong would cost more).
        const next = result.held ? deferrals : deferrals + 1;
        if (!result.held) deps.ctx.metrics?.rateLimited(result.tier, modelOf(result.tier));
        // Only this ticket waits, as long as the provider asked, without spending an attempt; other
        // tickets (critical ones, rule hits) keep flowing.
        log[result.held ? 'debug' : 'warn'](
          { tier: result.tier, retryAfterMs: result.retryAfterMs, deferrals: next },
          'provider rate limit; ticket deferred',
        );
        await job.updateData({ ...data, deferrals: next });
        await job.moveToDelayed(Date.now() + result.retryAfterMs, token);
        throw new DelayedError();
      }
      const annotated = deps.fallback ? deps.fallback.annotate(result.record, plan) : result.record;
      const record = deps.rollout ? await deps.rollout.annotate(annotated, ticket) : annotated;
      // Counted as soon as the calls are made: were the job to fail after this, the spend was still real.
      deps.ctx.metrics?.classified(record);
      if (plan.metered) await deps.fallback?.meter(record);
      await lifecycle.decide(ticket, record, { spotCheck: wantsSpotCheck(config, deps.tiers, record, ticket.id) });
      log.info(
        {
          ticketId: ticket.id,
          outcome: record.outcome,
          tier: record.tier,
          // The local model's version when it decided: which model a ticket met is in the logs too.
          model: record.model,
          costUsd: record.totals.costUsd,
          latencyMs: Math.round(record.totals.latencyMs),
        },
        'classified',
      );
    },
  );

  return {
    worker,
    async close() {
      await worker.close();
      await lifecycle.close();
    },
  };
}
