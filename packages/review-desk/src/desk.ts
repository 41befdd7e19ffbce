import type { RedisClient as Redis } from '@switchboard/queues';
import { z } from 'zod';
import { Category, Priority, Team, type RoutingTable, type Ticket } from '@switchboard/core';
import { TicketLifecycle, type TeamDelivery } from '@switchboard/lifecycle';
import {
  humanReviewQueue,
  inspectQueue,
  jobIdForTicket,
  Resolution,
  type QueueInspector,
  type PilotLedger,
  type RoutedTicket,
  type TicketStore,
  type TrainingStore,
  type TrafficStats,
} from '@switchboard/queues';
import type { Logger, ReviewMetrics } from '@switchboard/runtime';
import { ClaimStore, type Claim } from './claims.js';
import type { ReviewDeskConfig } from './config.js';
import { GroundTruth, type LiveAccuracy } from './ground-truth.js';
import { listWaiting, toItem, type ReviewItem, type WaitingList } from './review-list.js';

/** What a reviewer submits: the correct labels (prefilled from the suggestion) and an optional note. */
export const ResolveInput = z.strictObject({
  category: Category,
  team: Team,
  priority: Priority,
  note: z.string().trim().max(2000).optional(),
});
export type ResolveInput = z.infer<typeof ResolveInput>;

/**
 * What the in-process local model guesses for a ticket no tier decided (a critical one skips every
 * model). It runs inside the desk's own process, so the ticket text goes nowhere; a person decides.
 */
export interface LocalSuggestion {
  category: Category;
  categoryConfidence: number;
  /** Null when the model has no priority head. */
  priority: Priority | null;
  priorityConfidence: number;
  /** The model file's version, shown so a reviewer knows which model guessed. */
  model: string;
}
/** Null when the model declines (the ticket is unlike its training data) or there is no model. */
export type Suggester = (ticket: Pick<Ticket, 'subject' | 'body'>) => LocalSuggestion | null;

/** A refusal the person can act on; the HTTP layer turns `code` into a status. */
export class DeskError extends Error {
  override name = 'DeskError';
  constructor(
    readonly code: 'not_found' | 'claimed_by_other' | 'not_claimed' | 'already_resolved',
    message: string,
  ) {
    super(message);
  }
}

export interface DeskDeps {
  redis: Redis;
  prefix: string;
  store: TicketStore;
  stats: TrafficStats;
  delivery: TeamDelivery;
  /** A resolution is also the ticket's feedback, the pilot's ground truth. */
  pilot?: PilotLedger;
  /** A resolution is the strongest training label; absent, nothing is kept for training. */
  training?: TrainingStore;
  routing: RoutingTable;
  log: Logger;
  clock?: () => Date;
  metrics?: ReviewMetrics;
  /** The in-process local model, for tickets no tier decided; absent, those show no suggestion. */
  suggest?: Suggester;
}

/** The review desk's operations, shared by the web pages and the JSON API. */
export class ReviewDesk {
  readonly claims: ClaimStore;
  private readonly truth: GroundTruth;
  private readonly queue: QueueInspector<RoutedTicket>;
  private readonly lifecycle: TicketLifecycle;
  private readonly clock: () => Date;

  constructor(
    readonly config: ReviewDeskConfig,
    private readonly deps: DeskDeps,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.claims = new ClaimStore(deps.redis, deps.prefix, this.clock);
    this.truth = new GroundTruth(deps.redis, deps.prefix, config.retentionDays * 86_400, config.candidatesMax);
    this.queue = inspectQueue(humanReviewQueue, { connection: deps.redis, prefix: deps.prefix, logger: deps.log });
    this.lifecycle = new TicketLifecycle({
      ctx: { connection: deps.redis, prefix: deps.prefix, logger: deps.log },
      store: deps.store,
      stats: deps.stats,
      pilot: deps.pilot,
      delivery: deps.delivery,
      training: deps.training,
    });
  }

  get routing(): RoutingTable {
    return this.deps.routing;
  }

  async list(): Promise<WaitingList> {
    const listed = await listWaiting(this.queue, this.claims, this.config, this.clock().getTime());
    // All that wait, not the page: on-call must see the real backlog after an outage.
    this.deps.metrics?.waiting(listed.total, listed.items.filter((i) => i.slaBreached).length);
    return listed;
  }

  /** A waiting ticket, or not_found when it is no longer waiting (resolved, or never escalated). */
  async item(ticketId: string): Promise<ReviewItem> {
    const entry = await this.queue.get(jobIdForTicket(ticketId));
    const state = entry ? await entry.job.getState() : undefined;
    const item =
      entry && (state === 'waiting' || state === 'prioritized')
        ? toItem(entry, await this.claims.get(ticketId), this.config, this.clock().getTime())
        : null;
    if (!item) throw new DeskError('not_found', `ticket ${ticketId} is not waiting for review`);
    return item;
  }

  async claim(ticketId: string, reviewer: string): Promise<Claim> {
    await this.item(ticketId);
    const res = await this.claims.claim(ticketId, reviewer, this.config.leaseMs);
    if (!res.ok)
      throw new DeskError(
        'claimed_by_other',
        `${res.heldBy.reviewer} is working on this ticket until ${res.heldBy.expiresAt}`,
      );
    this.deps.metrics?.claimed();
    this.deps.log.info({ ticketId, reviewer }, 'ticket claimed');
    return res.claim;
  }

  /**
   * Claims the most urgent ticket nobody holds (the list's order: priority, then longest waiting),
   * or returns null when every waiting ticket is held. A ticket another reviewer takes in the same
   * moment is skipped: the claim itself is atomic, so two people never get the same ticket.
   */
  async claimNext(reviewer: string): Promise<{ ticketId: string; claim: Claim } | null> {
    const { items } = await listWaiting(this.queue, this.claims, this.config, this.clock().getTime());
    for (const it of items) {
      if (it.claim) continue;
      const res = await this.claims.claim(it.ticketId, reviewer, this.config.leaseMs);
      if (!res.ok) continue;
      this.deps.metrics?.claimed();
      this.deps.log.info({ ticketId: it.ticketId, reviewer, via: 'claim next' }, 'ticket claimed');
      return { ticketId: it.ticketId, claim: res.claim };
    }
    return null;
  }

  /** The local model's guess for a ticket no tier decided; null when a tier did, or there is no model. */
  suggestionFor(item: ReviewItem): LocalSuggestion | null {
    if (item.routed.record.decision || !this.deps.suggest) return null;
    try {
      return this.deps.suggest(item.routed.ticket);
    } catch (err) {
      // A guess is a convenience: a model that throws must not keep a person from the ticket.
      this.deps.log.warn({ err, ticketId: item.ticketId }, 'local model suggestion failed');
      return null;
    }
  }

  async renew(ticketId: string, reviewer: string): Promise<Claim> {
    if (!(await this.claims.renew(ticketId, reviewer, this.config.leaseMs)))
      throw new DeskError('not_claimed', 'your claim on this ticket has expired or was never taken; claim it again');
    const claim = await this.claims.get(ticketId);
    if (!claim) throw new DeskError('not_claimed', 'your claim on this ticket has expired');
    return claim;
  }

  async release(ticketId: string, reviewer: string): Promise<void> {
    if (!(await this.claims.release(ticketId, reviewer)))
      throw new DeskError('not_claimed', 'you do not hold this ticket');
    this.deps.metrics?.released();
    this.deps.log.info({ ticketId, reviewer }, 'ticket released');
  }

  /**
   * Records the person's answer once, delivers the ticket to that team through the same path as a
   * machine-routed ticket, and takes it off the review queue. Every step after the first is
   * idempotent, so a retry after a crash finishes the job without delivering twice.
   */
  async resolve(ticketId: string, reviewer: string, input: ResolveInput): Promise<Resolution> {
    const claim = await this.claims.get(ticketId);
    if (claim?.reviewer !== reviewer) {
      throw claim
        ? new DeskError('claimed_by_other', `${claim.reviewer} holds this ticket`)
        : new DeskError('not_claimed', 'claim the ticket before resolving it (your claim may have expired)');
    }
    const { routed } = await this.item(ticketId);
    const d = routed.record.decision;
    const resolution = Resolution.parse({
      ...input,
      reviewer,
      resolvedAt: this.clock().toISOString(),
      changed: !d || d.category !== input.category || d.team !== input.team || d.priority !== input.priority,
    });
    if (!(await this.truth.record(routed, resolution))) {
      const earlier = await this.truth.resolutionOf(ticketId);
      const parsed = earlier ? Resolution.safeParse(JSON.parse(earlier)) : undefined;
      if (!parsed?.success || parsed.data.reviewer !== reviewer)
        throw new DeskError('already_resolved', 'this ticket was already resolved');
      // Our own earlier attempt got this far: finish it with what was recorded then, uncounted.
      return this.deliver(routed, parsed.data, false);
    }
    this.deps.metrics?.resolved(resolution.changed);
    return this.deliver(routed, resolution, true);
  }

  private async deliver(routed: RoutedTicket, resolution: Resolution, first: boolean): Promise<Resolution> {
    const ticketId = routed.ticket.id;
    await this.lifecycle.resolve(routed, resolution, first);
    await this.queue.remove(jobIdForTicket(ticketId));
    await this.claims.release(ticketId, resolution.reviewer);
    this.deps.log.info({ ticketId, team: resolution.team, changed: resolution.changed }, 'ticket resolved by a person');
    return resolution;
  }

  /** Who resolved the ticket and how, once someone has; null before (or after the records' retention). */
  async resolutionOf(ticketId: string): Promise<Resolution | null> {
    const raw = await this.truth.resolutionOf(ticketId);
    if (!raw) return null;
    try {
      const parsed = Resolution.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  accuracy(): Promise<LiveAccuracy> {
    return this.truth.accuracy();
  }

  candidates(limit = 1_000): Promise<string[]> {
    return this.truth.candidates(limit);
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.lifecycle.close()]);
  }
}
