import { createKeywordMatcher } from './keywords.js';
import type { RoutingTable } from './taxonomy.js';
import { ticketText } from './cascade.js';
import type { Tier } from './tier.js';

export const DEFAULT_HOTWORDS = ['refund', 'chargeback', 'money back'] as const;

/** The free tier: a billing hotword routes to billing at once, with no model call. */
export function createRuleTier(hotwords: readonly string[], routing: RoutingTable): Tier {
  const matcher = createKeywordMatcher(hotwords);
  return {
    name: 'rule',
    threshold: 1,
    isModel: false,
    promptVersion: null,
    classify(input) {
      const word = matcher.first(ticketText(input));
      if (word === undefined) return Promise.resolve({ kind: 'abstain' });
      return Promise.resolve({
        kind: 'answer',
        decision: {
          category: 'billing',
          priority: 'medium',
          team: routing.billing,
          confidence: 1,
          escalation_required: false,
          rationale: `hotword: ${word}`.slice(0, 80),
        },
        raw: null,
        model: null,
        usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
      });
    },
  };
}
