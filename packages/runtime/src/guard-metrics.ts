import { Counter, type Registry } from 'prom-client';

/** What the live guard reports: each judgment, what the spot checks cost, and each switch it threw. */
export interface GuardMetrics {
  /** One judged answer of a guarded tier: by the next tier up (a spot check) or by a person. */
  judged(tier: string, judge: string, category: string, agreed: boolean): void;
  /** A spot check whose judges were unsure or could not answer: no judgment. */
  unjudged(tier: string, reason: string): void;
  /** What a spot check's model calls cost, by the model that answered. */
  spotCheckCost(model: string, usd: number): void;
  /** The guard switched a tier off. */
  tripped(tier: string): void;
}

export function createGuardMetrics(registry: Registry): GuardMetrics {
  const registers = [registry];
  const judged = new Counter({
    name: 'switchboard_guard_judgments_total',
    help: 'Answers of a guarded tier (local, cheap) judged by the next tier up (spot check) or a person (human), by category and whether the judge agreed.',
    labelNames: ['tier', 'judge', 'category', 'agreed'] as const,
    registers,
  });
  const unjudged = new Counter({
    name: 'switchboard_guard_unjudged_total',
    help: 'Spot checks that produced no judgment: the judging tiers were unsure, or none was available.',
    labelNames: ['tier', 'reason'] as const,
    registers,
  });
  const cost = new Counter({
    name: 'switchboard_spot_check_cost_usd_total',
    help: 'USD spent on spot-check model calls (not part of any ticket’s decision), by model.',
    labelNames: ['model'] as const,
    registers,
  });
  const tripped = new Counter({
    name: 'switchboard_guard_trips_total',
    help: 'Times the live guard switched a tier off fleet-wide, as counted by the process that switched it.',
    labelNames: ['tier'] as const,
    registers,
  });
  return {
    judged: (tier, judge, category, agreed) => judged.inc({ tier, judge, category, agreed: agreed ? 'yes' : 'no' }),
    unjudged: (tier, reason) => unjudged.inc({ tier, reason }),
    spotCheckCost: (model, usd) => cost.inc({ model: model.slice(0, 64) }, usd),
    tripped: (tier) => tripped.inc({ tier }),
  };
}
