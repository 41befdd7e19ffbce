import type { Job } from 'bullmq';
import type { ZodType } from 'zod';
import { DecisionRecord, pipelineFailure, Route, Ticket } from '@switchboard/core';
import {
  GuardedTier,
  tierChecksQueue,
  decisionsQueue,
  humanReviewQueue,
  jobIdForTicket,
  openQueue,
  ticketIdFromJobId,
  ticketsQueue,
  TransactionLane,
  type PilotLedger,
  type Producer,
  type QueueContext,
  type CheckedAnswer,
  type QueueDef,
  type Resolution,
  type StoredFeedback,
  type RoutedTicket,
  type TicketStatus,
  type TicketStore,
  type TrafficStats,
  type TrainingStore,
  type TrainingText,
  type LabelSource,
} from '@switchboard/queues';
import type { TeamDelivery } from './team-delivery.js';

/** Queues whose failure means the ticket never reached a team or a human. */
export const PIPELINE_QUEUES: ReadonlySet<string> = new Set([ticketsQueue.queueName, decisionsQueue.queueName]);

export interface LifecycleDeps {
  ctx: QueueContext;
  store: TicketStore;
  /** Daily counters for drift and the weekly report; absent, finished tickets are not counted. */
  stats?: TrafficStats;
  /** Indexes pilot tickets for the pilot report; absent, no pilot is wanted. */
  pilot?: PilotLedger;
  /** Where routed tickets go; needed by whoever finishes tickets (escalation, the review desk). */
  delivery?: TeamDelivery;
  /**
   * What the free tier learns from; absent, nothing is kept for training. Finished tickets, people's
   * answers and feedback go into it here, so every way a ticket ends feeds it the same way.
   */
  training?: TrainingStore;
}

/** What the classifier finds when it takes a ticket. */
export type Beginning =
  | { kind: 'finished'; status: TicketStatus }
  /** Decided on an earlier attempt: hand the same record on, without paying for the models again. */
  | { kind: 'decided'; record: DecisionRecord }
  | { kind: 'new' };

/** What escalation may do with a decision. */
export type RouteClaim =
  /** Delivered already (the status is set only after delivery): a repeat must not deliver again. */
  | { kind: 'delivered'; status: 'routed' | 'escalated' }
  /** Deliver by this route: ours, or the one stored by an earlier attempt, which always wins. */
  | { kind: 'claimed'; route: Route };

/**
 * How a ticket moves from accepted to ended, in one place: begin (the classifier takes it), decide
 * (its decision record is stored and handed to escalation), claim and finish (delivered to its team
 * or a person, with the day's counters and the routed metric), pipeline failure (a job out of
 * attempts: a person takes the ticket), human resolution (the review desk's answer, delivered) and
 * reopen (a replayed dead letter). The ticket record's status only moves forward, and each step is
 * safe to repeat: a redelivered job finds what the first attempt recorded and does not deliver,
 * count or pay twice. Steps that write the record and hand the ticket on do both in one transaction
 * (one Redis round trip).
 */
export class TicketLifecycle {
  private readonly producers = new Map<string, Producer<string, never>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lane: TransactionLane;

  constructor(private readonly deps: LifecycleDeps) {
    this.lane = new TransactionLane(deps.ctx);
  }

  private producer<N extends string, S extends ZodType>(def: QueueDef<N, S>): Producer<N, S> {
    const open = this.producers.get(def.queueName) as Producer<N, S> | undefined;
    if (open) return open;
    const opened = openQueue(def, this.deps.ctx);
    this.producers.set(def.queueName, opened as unknown as Producer<string, never>);
    return opened;
  }

  private delivery(): TeamDelivery {
    if (!this.deps.delivery) throw new Error('finishing a ticket needs the team delivery');
    return this.deps.delivery;
  }

  /**
   * The classifier's start, one round trip: a finished ticket is left alone, a recorded decision is
   * reused, and otherwise the ticket moves to 'classifying'.
   */
  async begin(ticket: Ticket): Promise<Beginning> {
    const found = await this.deps.store.beginClassifying(ticket.id, {
      receivedAt: ticket.receivedAt,
      classificationStartedAt: new Date().toISOString(),
    });
    if (found.status === 'routed' || found.status === 'escalated' || found.status === 'failed')
      return { kind: 'finished', status: found.status };
    const stored = found.decision ? DecisionRecord.safeParse(JSON.parse(found.decision)) : undefined;
    return stored?.success ? { kind: 'decided', record: stored.data } : { kind: 'new' };
  }

  /**
   * Stores the decision record and hands the ticket to escalation, in one transaction. The record is
   * written first, so a fast escalation worker's final status is never overwritten by this step,
   * and a redelivered ticket job finds it and reuses it instead of paying for the models again.
   */
  async decide(ticket: Ticket, record: DecisionRecord, opts: { spotCheck?: boolean } = {}): Promise<void> {
    const decisions = this.producer(decisionsQueue);
    const t = await this.lane.open(decisions);
    const checked = opts.spotCheck ? checkedAnswer(record) : undefined;
    // A spot check rides on the same transaction: a ticket is checked once, whatever the retries.
    if (checked)
      t.add(this.producer(tierChecksQueue), `spot-${ticket.id}`, {
        kind: 'spot_check',
        ticket,
        checked,
        decidedAt: record.decidedAt,
      });
    this.deps.store.advanceOnto(t, ticket.id, 'classifying', {
      decision: JSON.stringify(record),
      decidedAt: record.decidedAt,
    });
    t.add(decisions, jobIdForTicket(ticket.id), { ticket, record });
    await t.exec();
  }

  /** Hands on a decision an earlier attempt recorded (see `begin`). */
  async handOver(ticket: Ticket, record: DecisionRecord): Promise<void> {
    await this.producer(decisionsQueue).add(jobIdForTicket(ticket.id), { ticket, record });
  }

  /**
   * Escalation's exactly-once guard, one round trip: the first route stored for a ticket is the only
   * one it is ever delivered by, so a redelivered decision (after a crash, or on a worker with newer
   * config) cannot send the ticket to a second place.
   */
  async claim(ticketId: string, proposed: Route): Promise<RouteClaim> {
    const json = JSON.stringify(proposed);
    const claim = await this.deps.store.claimRoute(ticketId, json);
    if (claim.status === 'routed' || claim.status === 'escalated') return { kind: 'delivered', status: claim.status };
    // Nearly always our own route comes back: only a route stored earlier (a redelivery) needs parsing.
    return { kind: 'claimed', route: claim.route === json ? proposed : Route.parse(JSON.parse(claim.route)) };
  }

  /**
   * Delivers a claimed ticket (its team's queue and webhook, or human review) and records its final
   * status with the day's counters, in one transaction: the status is set only together with the
   * delivery, and the counters only by the call that moved it there, so a redelivered decision is not
   * delivered or counted twice. Returns whether this call finished the ticket.
   */
  async finish(routed: RoutedTicket): Promise<boolean> {
    const { ticket, record, route } = routed;
    const { store, stats, pilot, ctx } = this.deps;
    const review = this.producer(humanReviewQueue);
    const t = await this.lane.open(review);
    if (route.escalated) {
      // The review queue's declared priority rule puts high-priority tickets first.
      t.add(review, jobIdForTicket(ticket.id), routed);
      // The helpdesk hears of the escalation too (its triage group), in the same transaction.
      this.deps.delivery?.writeBackOnto(t, routed);
    } else {
      this.delivery().deliverOnto(t, routed);
    }
    const status = route.escalated ? 'escalated' : 'routed';
    const fields = { finishedAt: routed.routedAt };
    const moved = stats
      ? store.finishOnto(
          t,
          ticket.id,
          status,
          fields,
          stats.incrementFor({ language: ticket.language, record, route, routedAt: new Date(routed.routedAt) }),
        )
      : store.advanceOnto(t, ticket.id, status, fields);
    if (record.pilot && pilot) pilot.addOnto(t, ticket.id, new Date(routed.routedAt));
    const replies = await t.exec();
    const finished = replies[moved] === 1;
    if (finished) ctx.metrics?.routed(route);
    // Not only when this call finished it: the store's precedence makes a repeat a no-op, and a crash
    // between the delivery and this line would otherwise lose the ticket for training.
    await this.keepForTraining(routed);
    return finished;
  }

  /**
   * A finished ticket for the training store: the strong or cheap tier's answer for a ticket it routed on
   * its own is a label (`cheap` waits for corrections, see TrainingStore.rows). The local and rule tiers'
   * own answers never are: training the local model on its own output teaches it nothing and locks its
   * mistakes in, and a rule hit is a keyword match, not a judgement of the text. Those tickets, and the
   * escalated ones (whose machine answer the pipeline did not trust), keep their text for a while, so a
   * person's label (review desk, feedback) can make them training rows.
   */
  private async keepForTraining(routed: RoutedTicket): Promise<void> {
    const { training } = this.deps;
    if (!training) return;
    const { ticket, record } = routed;
    const text: TrainingText = {
      ticketId: ticket.id,
      subject: ticket.subject ?? '',
      body: ticket.body,
      language: ticket.language,
      decidedBy: { tier: record.tier, model: record.model },
      ...(record.outcome === 'critical' ? { critical: true } : {}),
      at: routed.routedAt,
    };
    const email = ticket.customer?.email;
    const source = machineLabelSource(routed);
    if (source && record.decision)
      await training.record(
        { ...text, category: record.decision.category, priority: record.decision.priority, source },
        email,
      );
    else await training.keepText(text, email);
  }

  /**
   * A person's answer for an escalated ticket: delivered to the team they chose through the same path
   * as a machine-routed ticket, with the resolution on the ticket's record (one transaction), and
   * given to the pilot as its ground truth. `count` is true only for the call that recorded the
   * resolution first, so a retried resolve is not counted twice. Every step is idempotent.
   */
  async resolve(routed: RoutedTicket, resolution: Resolution, count: boolean): Promise<RoutedTicket> {
    const { store, stats, pilot } = this.deps;
    const ticketId = routed.ticket.id;
    if (count && stats) {
      const at = new Date(resolution.resolvedAt);
      await stats.increment('human:resolved', at);
      if (resolution.changed) await stats.increment('human:override', at);
    }
    const delivered: RoutedTicket = {
      ...routed,
      route: { ...routed.route, team: resolution.team, via: 'human', escalated: true },
      routedAt: resolution.resolvedAt,
    };
    const delivery = this.delivery();
    const t = await this.lane.open(delivery.via);
    delivery.deliverOnto(t, delivered);
    store.noteOnto(t, ticketId, { resolution: JSON.stringify(resolution), route: JSON.stringify(delivered.route) });
    await t.exec();
    // A person's answer is the strongest training label, critical tickets included.
    await this.deps.training?.record(
      {
        ticketId,
        subject: routed.ticket.subject ?? '',
        body: routed.ticket.body,
        language: routed.ticket.language,
        category: resolution.category,
        priority: resolution.priority,
        source: 'human',
        decidedBy: { tier: routed.record.tier, model: routed.record.model },
        ...(routed.record.outcome === 'critical' ? { critical: true } : {}),
        at: resolution.resolvedAt,
      },
      routed.ticket.customer?.email,
    );
    await pilot?.setFeedback(ticketId, {
      category: resolution.category,
      team: resolution.team,
      priority: resolution.priority,
      agent: resolution.reviewer,
      receivedAt: resolution.resolvedAt,
      source: 'review_desk',
    });
    await this.judge(ticketId, routed.record, resolution.category, 'review_desk', resolution.resolvedAt);
    return delivered;
  }

  /**
   * What an agent finally set upstream (the feedback API): stored on the ticket's record as its
   * ground truth for the pilot, and handed to the live guard when a guarded tier routed the ticket
   * on its own. False when the ticket is unknown.
   */
  async recordFeedback(ticketId: string, feedback: StoredFeedback): Promise<boolean> {
    const { pilot } = this.deps;
    if (!pilot) throw new Error('recording feedback needs the pilot ledger');
    const stored = await pilot.setFeedback(ticketId, feedback);
    if (!stored) return false;
    if (this.deps.training) {
      // Feedback carries no text: it labels the text the store kept when the ticket finished.
      const source: LabelSource = feedback.source === 'review_desk' ? 'human' : 'feedback';
      const labelled = await this.deps.training.label(ticketId, {
        category: feedback.category,
        priority: feedback.priority,
        source,
        at: feedback.receivedAt,
      });
      if (labelled === 'no_text')
        this.deps.ctx.logger.debug({ ticketId }, 'feedback for a ticket whose text the training store no longer has');
    }
    const parsed = stored.decision ? DecisionRecord.safeParse(JSON.parse(stored.decision)) : undefined;
    if (parsed?.success)
      await this.judge(ticketId, parsed.data, feedback.category, feedback.source, feedback.receivedAt);
    return true;
  }

  /** Ground truth for a guarded tier's own answer goes to the guard; once per ticket and source. */
  private async judge(
    ticketId: string,
    record: DecisionRecord,
    truth: StoredFeedback['category'],
    source: StoredFeedback['source'],
    at: string,
  ): Promise<void> {
    const checked = checkedAnswer(record);
    if (!checked) return;
    await this.producer(tierChecksQueue).add(`truth-${source}-${ticketId}`, {
      kind: 'ground_truth',
      ticketId,
      checked,
      truth,
      source,
      at,
    });
  }

  /** Lets a replayed ticket move through the statuses again, clearing how it ended last time. */
  reopen(ticketId: string): Promise<void> {
    return this.deps.store.reopen(ticketId);
  }

  /**
   * The dead-letter hand-over for a worker's jobs: `copy` (the fleet's dead-letter writer) keeps the
   * job, then the ticket gets its end. A ticket the pipeline gave up on goes to a person (the rule is
   * core's `pipelineFailure`), so every accepted ticket still ends with a team or a person; a failed
   * delivery (webhook) leaves the ticket routed and notes the error. `close()` waits for these.
   */
  onExhausted(copy: (job: Job, err: Error) => Promise<void>): (job: Job, err: Error) => Promise<void> {
    return (job, err) => {
      const p = copy(job, err)
        .then(() => this.jobExhausted(job, err))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
      return p;
    };
  }

  private async jobExhausted(job: Job, err: Error): Promise<void> {
    const jobId = job.id ?? 'unknown';
    if (!jobId.startsWith('t-')) return;
    const ticketId = ticketIdFromJobId(jobId);
    const error = `${job.queueName}: ${err.message}`;
    const failedAt = new Date().toISOString();
    const { store, ctx } = this.deps;
    if (!PIPELINE_QUEUES.has(job.queueName)) {
      await store.note(ticketId, { deliveryError: error });
      return;
    }
    const payload = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as {
      ticket?: unknown;
      record?: unknown;
    };
    const ticket = Ticket.safeParse(payload.ticket);
    if (!ticket.success) {
      // Nothing a person could be shown: the ticket is marked failed, its job kept in dead letter.
      await store.advance(ticketId, 'failed', { error, finishedAt: failedAt });
      return;
    }
    const prior = DecisionRecord.safeParse(payload.record);
    const { record, route } = pipelineFailure(prior.success ? prior.data : undefined, error, failedAt);
    const { route: stored } = await store.claimRoute(ticketId, JSON.stringify(route));
    // Only if no route was stored before: a ticket already delivered must not also reach a human.
    if (stored === JSON.stringify(route)) {
      const review = this.producer(humanReviewQueue);
      const t = await this.lane.open(review);
      // The review queue's priority rule puts a `pipeline_failed` ticket first.
      t.add(review, jobId, { ticket: ticket.data, record, route, routedAt: failedAt });
      store.advanceOnto(t, ticketId, 'escalated', { error, finishedAt: failedAt });
      await t.exec();
      ctx.metrics?.routed(route);
      return;
    }
    const escalated = (JSON.parse(stored) as { escalated?: boolean }).escalated === true;
    await store.advance(ticketId, escalated ? 'escalated' : 'routed', { error, finishedAt: failedAt });
  }

  /** Waits for dead-letter hand-overs in flight, then closes the queues this lifecycle opened. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.producers.values()].map((p) => p.close()));
    await this.lane.close();
  }
}

/**
 * The training label a finished ticket's machine answer is: the strong or cheap tier's, for a ticket
 * routed on that answer (not escalated). Undefined for the local and rule tiers, and escalated tickets.
 */
export function machineLabelSource(routed: RoutedTicket): Extract<LabelSource, 'strong' | 'cheap'> | undefined {
  const { record, route } = routed;
  if (route.escalated || record.outcome !== 'decided' || !record.decision) return undefined;
  return record.tier === 'strong' || record.tier === 'cheap' ? record.tier : undefined;
}

/** The answer a guarded tier (local, cheap) gave on its own, if it decided the ticket; else undefined. */
export function checkedAnswer(record: DecisionRecord): CheckedAnswer | undefined {
  const tier = GuardedTier.safeParse(record.tier);
  if (record.outcome !== 'decided' || !tier.success || !record.decision) return undefined;
  return { tier: tier.data, category: record.decision.category, model: record.model };
}
