import { NOTE, type RoutingTable, type Tier } from '@switchboard/core';
import type { LocalModel } from '@switchboard/local-model';

export interface LocalTierOptions {
  /** The category is accepted when its calibrated probability is at least this. */
  threshold: number;
  /** The priority is kept only when its own calibrated probability is at least this. */
  priorityThreshold: number;
  /** True while the model is on probation (not yet judged on this desk's labels): answers are only recorded. */
  onProbation?: () => boolean;
}

const free = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/**
 * The in-process model tier: free, microseconds, and sure of many routine tickets. `model()` is read
 * on every call so a hot-reloaded model takes effect on the next ticket. A ticket the model finds
 * unlike its training data is declined (`local_out_of_domain`), and so is every ticket while the
 * model is on probation (`local_probation`): the next tier decides, or with none a person
 * (low_confidence), with the model's guess as the suggestion.
 */
export function createLocalTier(model: () => LocalModel, routing: RoutingTable, opts: LocalTierOptions): Tier {
  return {
    name: 'local',
    threshold: opts.threshold,
    isModel: false,
    promptVersion: null,
    classify(input) {
      const m = model();
      const p = m.predict(input.subject, input.body);
      const priorityConfident = p.priority !== null && p.priorityConfidence >= opts.priorityThreshold;
      const domain = p.outOfDomain ? ` out of domain (coverage ${p.coverage.toFixed(2)})` : '';
      return Promise.resolve({
        kind: 'answer',
        decision: {
          category: p.category,
          priority: p.priority ?? 'medium',
          team: routing[p.category],
          confidence: p.categoryConfidence,
          escalation_required: false,
          rationale: `local p=${p.categoryConfidence.toFixed(3)} priority p=${p.priorityConfidence.toFixed(3)}${domain}`,
        },
        raw: null,
        model: m.meta.modelVersion,
        usage: free,
        priorityConfident,
        ...(p.outOfDomain
          ? { declined: NOTE.localOutOfDomain }
          : opts.onProbation?.()
            ? { declined: NOTE.localProbation }
            : {}),
      });
    },
  };
}

/** For start-up output: which local model is active and how it was fitted. */
export { describeLocalModel } from '@switchboard/local-model';
