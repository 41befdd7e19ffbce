import {
  createLegacyRouter,
  deliveringRouter,
  ticketText,
  type DecisionRecord,
  type LegacyRule,
  type RolloutStage,
  type RoutingTable,
  type Ticket,
} from '@switchboard/core';
import type { RolloutStageStore } from '@switchboard/queues';
import { polledRead, type Logger } from '@switchboard/runtime';

/**
 * The pilot as a classifier sees it: the stage (from Redis, re-read at most once per `pollMs`, so
 * a change needs no restart) and the legacy router that decides beside the cascade.
 */
export class RolloutView {
  private readonly legacy;
  /** The stage in force now: Redis's, else the configured one. */
  readonly stage: () => Promise<RolloutStage>;

  constructor(
    private readonly store: RolloutStageStore,
    private readonly defaultStage: RolloutStage,
    table: readonly LegacyRule[],
    routing: RoutingTable,
    pollMs: number,
    private readonly log: Logger,
    clock: () => number = Date.now,
  ) {
    this.legacy = createLegacyRouter(table, routing);
    this.stage = polledRead(() => this.read(), pollMs, clock);
  }

  private async read(): Promise<RolloutStage> {
    const { stored, invalid } = await this.store.get();
    if (invalid)
      this.log.error(
        { fallback: this.defaultStage },
        'the rollout stage in Redis is unreadable; using the configured stage',
      );
    return stored?.stage ?? this.defaultStage;
  }

  /** Adds the legacy router's answer and which router delivers, while a pilot runs. */
  async annotate(record: DecisionRecord, ticket: Ticket): Promise<DecisionRecord> {
    const stage = await this.stage();
    if (stage === 'off') return record;
    const started = performance.now();
    const legacy = this.legacy.route(ticketText({ subject: ticket.subject ?? '', body: ticket.body }));
    const latencyMs = performance.now() - started;
    return {
      ...record,
      pilot: { stage, deliveredBy: deliveringRouter(stage, ticket.id), legacy: { ...legacy, latencyMs } },
    };
  }
}
