import { Counter, Histogram, type Registry } from 'prom-client';
import type { DecisionRecord, Route, TierName } from '@switchboard/core';
import { modelErrorKind, modelLabel, reasonLabel } from './metric-labels.js';

export type IngestResult = 'accepted' | 'duplicate' | 'rejected';
/** `deferred`: the job was put back to wait (a provider's 429), without spending an attempt. */
export type JobResult = 'completed' | 'failed' | 'deferred';

/**
 * The events the pipeline reports, each an in-memory counter update: no I/O, so instrumenting the
 * hot path costs no Redis round trip. Logic packages take this as an optional dependency.
 */
export interface PipelineMetrics {
  ticketsIngested(result: IngestResult, count?: number): void;
  httpRequest(route: string, method: string, status: number): void;
  jobsAdded(queue: string, count?: number): void;
  jobFinished(queue: string, result: JobResult): void;
  deadLettered(queue: string): void;
  /** One finished cascade: every tier attempt (latency, errors, tokens, cost) and the final decision. */
  classified(record: DecisionRecord): void;
  /** A provider's 429 that put the ticket back to wait; those attempts are not in any record. */
  rateLimited(tier: TierName, model: string): void;
  /** A ticket delivered to its team or put in front of a person, by the route stored for it. */
  routed(route: Route): void;
}

// From the local model (well under a millisecond) to a slow strong-model call.
const LATENCY_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30];

/** The fleet's counters and histograms, registered on `registry`. */
export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const registers = [registry];
  const ingested = new Counter({
    name: 'switchboard_tickets_ingested_total',
    help: 'Tickets ingest answered for: accepted (enqueued), duplicate (known id, nothing enqueued) or rejected (invalid).',
    labelNames: ['result'] as const,
    registers,
  });
  const http = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests ingest answered, by matched route (or "unmatched"), method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const added = new Counter({
    name: 'switchboard_queue_jobs_added_total',
    help: 'Jobs this process added to a queue (tickets in). A redelivered job re-adding under the same id counts again; BullMQ keeps one job.',
    labelNames: ['queue'] as const,
    registers,
  });
  const processed = new Counter({
    name: 'switchboard_queue_jobs_processed_total',
    help: 'Jobs this process took off a queue (tickets out): completed, failed (an attempt failed; it may be retried) or deferred (waiting out a 429).',
    labelNames: ['queue', 'result'] as const,
    registers,
  });
  const deadLetters = new Counter({
    name: 'switchboard_dead_letters_total',
    help: 'Jobs copied to the dead-letter queue after their last attempt or an unreadable payload, by source queue.',
    labelNames: ['queue'] as const,
    registers,
  });
  const attempts = new Counter({
    name: 'switchboard_tier_attempts_total',
    help: 'Cascade tier calls by tier and outcome (accepted, below_threshold, abstained, invalid, unavailable).',
    labelNames: ['tier', 'outcome'] as const,
    registers,
  });
  const decisions = new Counter({
    name: 'switchboard_tier_decisions_total',
    help: 'Classified tickets by the tier that decided (none for critical or failed) and the outcome (decided, critical, low_confidence, failed).',
    labelNames: ['tier', 'outcome'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'switchboard_model_latency_seconds',
    help: 'Latency of one model call (local model, cheap or strong tier), by model and tier.',
    labelNames: ['model', 'tier'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: 'switchboard_model_errors_total',
    help: 'Failed model calls by model, tier and kind (invalid_output, rate_limited, timeout, network, http_<status>, insufficient_quota, unavailable).',
    labelNames: ['model', 'tier', 'kind'] as const,
    registers,
  });
  const cost = new Counter({
    name: 'switchboard_model_cost_usd_total',
    help: 'Model spend in US dollars (tokens × MODEL_PRICES), by model.',
    labelNames: ['model'] as const,
    registers,
  });
  const tokens = new Counter({
    name: 'switchboard_model_tokens_total',
    help: 'Tokens the provider reported, by model and kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const,
    registers,
  });
  const routed = new Counter({
    name: 'switchboard_tickets_routed_total',
    help: 'Tickets that reached their end: delivered to a team (via the tier that decided) or to human review (via human), by team.',
    labelNames: ['team', 'via'] as const,
    registers,
  });
  const escalations = new Counter({
    name: 'switchboard_escalations_total',
    help: 'Reasons tickets went to human review; a ticket with two reasons counts under both (tickets: switchboard_tickets_routed_total{via="human"}).',
    labelNames: ['reason'] as const,
    registers,
  });

  return {
    ticketsIngested: (result, count = 1) => {
      if (count > 0) ingested.inc({ result }, count);
    },
    httpRequest: (route, method, status) => http.inc({ route, method, status: String(status) }),
    jobsAdded: (queue, count = 1) => {
      if (count > 0) added.inc({ queue }, count);
    },
    jobFinished: (queue, result) => processed.inc({ queue, result }),
    deadLettered: (queue) => deadLetters.inc({ queue }),
    classified(record) {
      for (const a of record.attempts) {
        attempts.inc({ tier: a.tier, outcome: a.outcome });
        if (a.model === null) continue;
        const model = modelLabel(a.tier, a.model);
        latency.observe({ model, tier: a.tier }, a.latencyMs / 1000);
        const kind = modelErrorKind(a.outcome, a.error);
        if (kind) errors.inc({ model, tier: a.tier, kind });
        if (a.costUsd > 0) cost.inc({ model }, a.costUsd);
        if (a.promptTokens > 0) tokens.inc({ model, kind: 'prompt' }, a.promptTokens);
        if (a.completionTokens > 0) tokens.inc({ model, kind: 'completion' }, a.completionTokens);
      }
      decisions.inc({ tier: record.tier ?? 'none', outcome: record.outcome });
    },
    rateLimited: (tier, model) => errors.inc({ model: modelLabel(tier, model), tier, kind: 'rate_limited' }),
    routed(route) {
      routed.inc({ team: route.team, via: route.via });
      if (route.escalated) for (const r of route.reasons) escalations.inc({ reason: reasonLabel(r) });
    },
  };
}
