import { z } from 'zod';
import type { RolloutStage } from '@switchboard/core';

/** What the numbers must show before the next stage: configuration, because each desk sets its own bar. */
export const GateRule = z.object({
  /** Tickets with upstream feedback needed before accuracy means anything. */
  minFeedback: z.number().int().nonnegative(),
  /** The new router's accuracy (95% lower bound) may trail the legacy router's by at most this many points. */
  maxAccuracyLossPoints: z.number().nonnegative(),
  /** Share of the new router's billing routes that feedback moved to another team. */
  maxFalseBillingRate: z.number().min(0).max(1),
  /** Share of the new router's tickets that go to humans: the desk's staffing limit. */
  maxEscalationRate: z.number().min(0).max(1),
});
export type GateRule = z.infer<typeof GateRule>;

export const GateConfig = z.object({ shadow: GateRule, 5: GateRule, 50: GateRule }).partial();
export type GateConfig = z.infer<typeof GateConfig>;

export const DEFAULT_GATES: Required<GateConfig> = {
  shadow: { minFeedback: 200, maxAccuracyLossPoints: 0, maxFalseBillingRate: 0.1, maxEscalationRate: 0.35 },
  5: { minFeedback: 300, maxAccuracyLossPoints: 0, maxFalseBillingRate: 0.08, maxEscalationRate: 0.3 },
  50: { minFeedback: 1_000, maxAccuracyLossPoints: 0, maxFalseBillingRate: 0.05, maxEscalationRate: 0.25 },
};

/** The plan's steps: shadow, then 5%, 50%, 100%. */
export function nextStage(stage: RolloutStage): RolloutStage | null {
  if (stage === 'off') return 'shadow';
  if (stage === 'shadow') return 5;
  if (stage < 5) return 5;
  if (stage < 50) return 50;
  if (stage < 100) return 100;
  return null;
}

export const gateKey = (stage: RolloutStage): keyof GateConfig | null =>
  stage === 'shadow' ? 'shadow' : stage === 5 ? 5 : stage === 50 ? 50 : null;
