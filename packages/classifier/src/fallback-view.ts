import { REASON, type DecisionRecord, type Tier } from '@switchboard/core';
import type { FallbackState, FallbackSwitch, TierGuardStore } from '@switchboard/queues';
import { polledRead, type Logger } from '@switchboard/runtime';

export interface TierPlan {
  tiers: readonly Tier[];
  /** Facts to keep on the decision record, e.g. that the cheap tier was switched off for it. */
  notes: string[];
  /** True when strong-tier spend counts against the fallback's daily cap. */
  metered: boolean;
}

const CAP_NOTE = 'fallback_cost_cap_reached';
const LOCAL_OFF_NOTE = 'local_tier_off';

interface Snapshot {
  state: FallbackState | null;
  spent: number;
  /** The local tier is switched off fleet-wide (the live guard or a person). */
  localOff: boolean;
}

/**
 * The classifier's view of the fleet-wide switches: drift's cheap-tier fallback (also thrown by the
 * live guard) and the local tier's switch. Read at most once per `pollMs` so that a busy worker does
 * not add a Redis round trip to every ticket; a switch flipped anywhere reaches every process
 * within one poll.
 */
export class FallbackView {
  private readonly current: () => Promise<Snapshot>;
  private readonly clock: () => Date;
  private readonly guard: TierGuardStore | undefined;

  /** `guard`: the live guard's store, whose local-tier switch is followed too; `clock` for tests. */
  constructor(
    private readonly sw: FallbackSwitch,
    pollMs: number,
    private readonly log: Logger,
    opts: { guard?: TierGuardStore; clock?: () => Date } = {},
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.guard = opts.guard;
    this.current = polledRead(
      () => this.read(),
      pollMs,
      () => this.clock().getTime(),
    );
  }

  private async read(): Promise<Snapshot> {
    const [{ state, invalid }, spent, local] = await Promise.all([
      this.sw.get(),
      this.sw.spent(this.clock()),
      this.guard?.localSwitch(),
    ]);
    if (invalid)
      this.log.error(
        'the fallback switch in Redis is unreadable; treating the cheap tier as off with no strong budget',
      );
    if (local?.invalid) this.log.error('the local tier switch in Redis is unreadable; treating the local tier as off');
    return { state, spent, localOff: local?.state != null };
  }

  /**
   * The tiers a ticket may use now: all of them; without local (switched off); without cheap
   * (fallback); or without any paid tier (over the fallback's daily cap).
   */
  async plan(tiers: readonly Tier[]): Promise<TierPlan> {
    const { state, spent, localOff } = await this.current();
    const usable = localOff ? tiers.filter((t) => t.name !== 'local') : tiers;
    const notes = localOff ? [LOCAL_OFF_NOTE] : [];
    if (!state) return { tiers: usable, notes, metered: false };
    if (spent >= state.dailyCapUsd) {
      return {
        tiers: usable.filter((t) => t.name !== 'cheap' && t.name !== 'strong'),
        notes: [...notes, 'cheap_tier_off', CAP_NOTE],
        metered: false,
      };
    }
    return { tiers: usable.filter((t) => t.name !== 'cheap'), notes: [...notes, 'cheap_tier_off'], metered: true };
  }

  /**
   * Adds the plan's notes to a decision. A ticket the free tiers could not decide while the cap
   * held back the paid ones is a low-confidence ticket for a human, not a provider failure.
   */
  annotate(record: DecisionRecord, plan: TierPlan): DecisionRecord {
    if (!plan.notes.length || record.outcome === 'critical') return record;
    const notes = [...record.notes, ...plan.notes];
    if (
      plan.notes.includes(CAP_NOTE) &&
      record.outcome === 'failed' &&
      record.failureReasons.every((r) => r === REASON.modelsUnavailable)
    ) {
      return { ...record, outcome: 'low_confidence', failureReasons: [], notes };
    }
    return { ...record, notes };
  }

  /** Counts what the strong tier cost for one ticket against today's cap. */
  async meter(record: DecisionRecord): Promise<void> {
    const usd = record.attempts.filter((a) => a.tier === 'strong').reduce((sum, a) => sum + a.costUsd, 0);
    if (usd <= 0) return;
    const total = await this.sw.addSpend(usd, this.clock());
    // This process's own spend shows at once, not after the next poll.
    (await this.current()).spent = total;
  }
}
