import type { DecisionRecord } from './decision-record.js';
import { REASON } from './reasons.js';
import type { Route } from './route.js';
import { FALLBACK_TEAM } from './taxonomy.js';

/**
 * The rule for a ticket the pipeline itself gave up on (a job out of attempts): a person takes it, on
 * the team the machine had decided if it got that far, else the fallback team, with the reason
 * `pipeline_failed`. The classifier's record is kept with the reason added; without one, a failed
 * record carrying the error is made, so the person sees why.
 */
export function pipelineFailure(
  prior: DecisionRecord | undefined,
  error: string,
  at: string,
): { record: DecisionRecord; route: Route } {
  const record: DecisionRecord = prior
    ? { ...prior, failureReasons: [...prior.failureReasons, REASON.pipelineFailed] }
    : {
        outcome: 'failed',
        tier: null,
        model: null,
        promptVersion: null,
        decision: null,
        raw: null,
        criticalKeyword: null,
        failureReasons: [REASON.pipelineFailed],
        notes: [error.slice(0, 200)],
        attempts: [],
        totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
        decidedAt: at,
      };
  return {
    record,
    route: {
      team: record.decision?.team ?? FALLBACK_TEAM,
      via: 'human',
      escalated: true,
      reasons: [REASON.pipelineFailed],
    },
  };
}
