import { stageLabel, type Category, type RolloutStage, type RoutingTable, type Team } from '@switchboard/core';
import type { PilotReport } from './report.js';

/** off < shadow < 0 … 100: how far the new router has been let in. */
const rank = (s: RolloutStage): number => (s === 'off' ? -2 : s === 'shadow' ? -1 : s);

export interface StageChange {
  /** The change may go ahead without --force. */
  allowed: boolean;
  /** Why not (or, when allowed, what it is); said to the person and kept with the stage when forced. */
  reason: string;
}

/**
 * Whether a stage change follows the gate. Going back (or staying) is always allowed: pulling the
 * new router out must never wait. Going forward is allowed one step at a time (shadow → 5 → 50 →
 * 100), and only when the pilot report's gate for the current stage is justified; anything else
 * needs --force, which the caller logs with who forced it.
 */
export function checkStageChange(current: RolloutStage, target: RolloutStage, report: PilotReport): StageChange {
  if (rank(target) <= rank(current))
    return { allowed: true, reason: `back from ${stageLabel(current)} to ${stageLabel(target)}` };
  if (target === 'shadow') return { allowed: true, reason: 'shadow sends no ticket through the new router' };
  const gate = report.gate;
  if (!gate || gate.next === null) return { allowed: false, reason: `no gate leads on from ${stageLabel(current)}` };
  if (rank(target) > rank(gate.next))
    return {
      allowed: false,
      reason: `${stageLabel(target)} skips ${stageLabel(gate.next)}: the plan goes one stage at a time`,
    };
  if (!gate.justified) {
    const failed = gate.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.detail})`);
    return { allowed: false, reason: `the gate to ${stageLabel(gate.next)} says not yet: ${failed.join('; ')}` };
  }
  return { allowed: true, reason: `the gate to ${stageLabel(gate.next)} is justified` };
}

/**
 * Feedback whose team is not its category's team by the routing table (billing with sales): the
 * report could not say which of the two is the truth, so it is refused with the reason.
 */
export function feedbackConflict(feedback: { category: Category; team: Team }, routing: RoutingTable): string | null {
  const expected = routing[feedback.category];
  return expected === feedback.team
    ? null
    : `team ${feedback.team} contradicts category ${feedback.category}, whose team is ${expected} by the routing table; send the category and the team that go together`;
}
