import type { Job } from 'bullmq';
import {
  ClassifierConfig,
  FallbackView,
  openClassifierStack,
  RolloutView,
  startClassifier,
  type ClassifierConfigInput,
} from '@switchboard/classifier';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import {
  jobIdForTicket,
  openFleetContext,
  openQueue,
  ticketsQueue,
  type FleetContext,
  type Producer,
} from '@switchboard/queues';
import { createAppMetrics, type Logger } from '@switchboard/runtime';
import type { BenchContext } from './bench-context.js';
import { CHEAP_MODEL, STRONG_MODEL } from './fake-models.js';
import { inBatches } from './tickets.js';

/** The apps' default concurrency, which every scenario but the realistic one runs at. */
export const CLASSIFIER_CONCURRENCY = 8;
export const ESCALATION_CONCURRENCY = 16;

export const modelTier = (url: string, model: string, threshold: number) => ({
  baseURL: url,
  apiKey: 'bench',
  model,
  threshold,
  timeoutMs: 20_000,
});

/** The cheap and strong tiers, both on the fake provider, with the thresholds every scenario uses. */
export const fakeTiers = (url: string) => ({
  cheap: modelTier(url, CHEAP_MODEL, 0.75),
  strong: modelTier(url, STRONG_MODEL, 0.6),
});

/** The project's producer for the tickets queue, as ingest uses it, in ingest's largest batches. */
export const enqueueTickets = (
  producer: Producer<typeof ticketsQueue.jobName, typeof ticketsQueue.schema>,
  tickets: readonly Ticket[],
): Promise<void> =>
  inBatches(tickets, (batch) =>
    producer.addMany(batch.map((ticket) => ({ jobId: jobIdForTicket(ticket.id), data: { ticket } }))),
  );

/** One ticket that left the pipeline: when, and with what decision. */
export interface Finished {
  ticketId: string;
  e2eMs: number;
  /** From receipt to the decision record's timestamp: queue wait plus the classifier's work. */
  toDecisionMs: number;
  record: DecisionRecord;
}

export interface FleetOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  promptPath: string;
  classifier: Omit<ClassifierConfigInput, 'promptPath'>;
  escalationConcurrency?: number;
}

export interface BenchFleet {
  producerFleet: FleetContext;
  /** The project's producer for the tickets queue, as ingest uses it. */
  enqueue(tickets: readonly Ticket[]): Promise<void>;
  finished: Finished[];
  failed: number;
  onFinished(cb: (f: Finished) => void): void;
  close(): Promise<void>;
}

/**
 * Classifier and escalation wired as their apps wire them (metrics, fallback and rollout views,
 * traffic stats, pilot ledger), in this process. In-process so the bare BullMQ chain it is compared
 * with runs under the same conditions (one event loop, same Redis connections per role).
 */
export async function startBenchFleet(opts: FleetOptions): Promise<BenchFleet> {
  const { logger, prefix, redisUrl } = opts;
  const producerFleet = await openFleetContext({ redisUrl, prefix, role: 'producer', logger, retentionDays: 8 });
  const classifierMetrics = createAppMetrics({ app: 'classifier', processMetrics: false });
  const escalationMetrics = createAppMetrics({ app: 'escalation', processMetrics: false });
  const cFleet = await openFleetContext({
    redisUrl,
    prefix,
    role: 'worker',
    logger,
    retentionDays: 8,
    metrics: classifierMetrics.pipeline,
  });
  const eFleet = await openFleetContext({
    redisUrl,
    prefix,
    role: 'worker',
    logger,
    retentionDays: 8,
    metrics: escalationMetrics.pipeline,
  });
  const config = ClassifierConfig.parse({ ...opts.classifier, promptPath: opts.promptPath });
  const { tiers } = await openClassifierStack({ config }, { logger });
  const classifier = startClassifier(config, {
    ctx: cFleet.ctx,
    store: cFleet.store,
    tiers,
    fallback: new FallbackView(cFleet.fallback, config.fallbackPollMs, logger),
    rollout: new RolloutView(
      cFleet.rollout,
      config.rollout.defaultStage,
      config.rollout.legacyTable,
      config.routing,
      config.rollout.pollMs,
      logger,
    ),
    onExhausted: cFleet.deadLetter,
  });
  const escalation = startEscalation(EscalationConfig.parse({ concurrency: opts.escalationConcurrency }), {
    ctx: eFleet.ctx,
    store: eFleet.store,
    stats: eFleet.stats,
    pilot: eFleet.pilot,
    onExhausted: eFleet.deadLetter,
  });
  const producer = openQueue(ticketsQueue, producerFleet.ctx);
  const finished: Finished[] = [];
  const listeners: ((f: Finished) => void)[] = [];
  const state = { failed: 0 };
  escalation.worker.on('completed', (job: Job<{ ticket: Ticket; record: DecisionRecord }>) => {
    const receivedAt = Date.parse(job.data.ticket.receivedAt);
    const f = {
      ticketId: job.data.ticket.id,
      e2eMs: Date.now() - receivedAt,
      toDecisionMs: Date.parse(job.data.record.decidedAt) - receivedAt,
      record: job.data.record,
    };
    finished.push(f);
    for (const l of listeners) l(f);
  });
  for (const w of [classifier.worker, escalation.worker]) {
    w.on('failed', () => {
      state.failed++;
    });
  }
  return {
    producerFleet,
    enqueue: (tickets) => enqueueTickets(producer, tickets),
    finished,
    get failed() {
      return state.failed;
    },
    onFinished: (cb) => listeners.push(cb),
    async close() {
      await classifier.close();
      await escalation.close();
      await producer.close();
      await Promise.all([producerFleet.close(), cFleet.close(), eFleet.close()]);
    },
  };
}

/**
 * A scenario's fleet under its own key prefix (`<run prefix>-<suffix>`, which the scenario drops
 * when done), with the run's logger and prompt and escalation at its default concurrency.
 */
export async function startScenarioFleet(
  ctx: BenchContext,
  suffix: string,
  classifier: FleetOptions['classifier'],
): Promise<BenchFleet & { prefix: string }> {
  const prefix = `${ctx.prefix}-${suffix}`;
  const fleet = await startBenchFleet({
    redisUrl: ctx.redisUrl,
    prefix,
    logger: ctx.logger,
    promptPath: ctx.promptPath,
    classifier,
    escalationConcurrency: ESCALATION_CONCURRENCY,
  });
  return Object.assign(fleet, { prefix });
}
