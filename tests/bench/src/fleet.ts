import type { Job } from 'bullmq';
import { buildTiers, ClassifierConfig, FallbackView, RolloutView, startClassifier, type ClassifierConfigInput } from '@switchboard/classifier';
import type { DecisionRecord, Ticket } from '@switchboard/core';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { loadPrompt } from '@switchboard/llm';
import { jobIdForTicket, openFleetContext, openQueue, ticketsQueue, type FleetContext } from '@switchboard/queues';
import { createAppMetrics, type Logger } from '@switchboard/runtime';

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
  const cFleet = await openFleetContext({ redisUrl, prefix, role: 'worker', logger, retentionDays: 8, metrics: classifierMetrics.pipeline });
  const eFleet = await openFleetContext({ redisUrl, prefix, role: 'worker', logger, retentionDays: 8, metrics: escalationMetrics.pipeline });
  const config = ClassifierConfig.parse({ ...opts.classifier, promptPath: opts.promptPath });
  const tiers = buildTiers(config, await loadPrompt(config.promptPath));
  const classifier = startClassifier(config, {
    ctx: cFleet.ctx,
    store: cFleet.store,
    tiers,
    fallback: new FallbackView(cFleet.fallback, config.fallbackPollMs, logger),
    rollout: new RolloutView(cFleet.rollout, config.rollout.defaultStage, config.rollout.legacyTable, config.routing, config.rollout.pollMs, logger),
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
    const f = { ticketId: job.data.ticket.id, e2eMs: Date.now() - receivedAt, toDecisionMs: Date.parse(job.data.record.decidedAt) - receivedAt, record: job.data.record };
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
    async enqueue(tickets) {
      // Chunks of 500, ingest's largest batch: one addBulk round trip each, as a batch POST makes.
      for (let i = 0; i < tickets.length; i += 500) {
        await producer.addMany(tickets.slice(i, i + 500).map((ticket) => ({ jobId: jobIdForTicket(ticket.id), data: { ticket } })));
      }
    },
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
