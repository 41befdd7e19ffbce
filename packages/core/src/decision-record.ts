import { z } from 'zod';
import { ModelDecision } from './model-decision.js';
import { RolloutStage } from './rollout.js';
import { Category, Team } from './taxonomy.js';

export const TIER_NAMES = ['rule', 'local', 'cheap', 'strong'] as const;
export const TierName = z.enum(TIER_NAMES);
export type TierName = z.infer<typeof TierName>;

export const AttemptOutcome = z.enum(['accepted', 'below_threshold', 'abstained', 'invalid', 'unavailable']);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** One call of one tier: what the classifier tried, what it cost and how it ended. */
export const Attempt = z.object({
  tier: TierName,
  model: z.string().nullable(),
  outcome: AttemptOutcome,
  error: z.string().optional(),
  raw: z.string().nullable(),
  confidence: z.number().nullable(),
  latencyMs: z.number().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type Attempt = z.infer<typeof Attempt>;

export const DecisionOutcome = z.enum(['decided', 'critical', 'low_confidence', 'failed']);
export type DecisionOutcome = z.infer<typeof DecisionOutcome>;

/**
 * While a pilot runs, both routers decide every ticket: the cascade's answer is the record itself,
 * the legacy router's is kept here, with which of the two the ticket was delivered by.
 */
export const PilotInfo = z.object({
  stage: RolloutStage,
  deliveredBy: z.enum(['new', 'legacy']),
  legacy: z.object({
    category: Category,
    team: Team,
    matched: z.string().nullable(),
    latencyMs: z.number().nonnegative(),
  }),
});
export type PilotInfo = z.infer<typeof PilotInfo>;

/**
 * What the classifier concluded and how. Kept with the ticket for its whole retention so that anyone
 * can see which tier decided, with which model and prompt, at what cost, and why.
 */
export const DecisionRecord = z.object({
  outcome: DecisionOutcome,
  tier: TierName.nullable(),
  model: z.string().nullable(),
  promptVersion: z.string().nullable(),
  decision: ModelDecision.nullable(),
  raw: z.string().nullable(),
  criticalKeyword: z.string().nullable(),
  /** Set when no tier produced a usable answer: `model_output_invalid` and/or `models_unavailable`. */
  failureReasons: z.array(z.string()),
  /** Non-escalating facts about the decision, e.g. `priority_unsure`. */
  notes: z.array(z.string()).default([]),
  attempts: z.array(Attempt),
  totals: z.object({
    latencyMs: z.number().nonnegative(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
  }),
  decidedAt: z.iso.datetime(),
  pilot: PilotInfo.optional(),
  /** E-mail addresses and card numbers taken out of the text before any external model saw it. */
  redactions: z.object({ emails: z.number().int().nonnegative(), cards: z.number().int().nonnegative() }).optional(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/**
 * The record without anything that may quote the ticket's text (an erasure request): the models' raw
 * replies, the rationale and the attempts' error texts go; tiers, models, categories, confidences,
 * costs and reason codes stay, so counts and reports still add up.
 */
export function withoutText(record: DecisionRecord): DecisionRecord {
  return {
    ...record,
    raw: null,
    decision: record.decision ? { ...record.decision, rationale: '' } : null,
    attempts: record.attempts.map(({ error: _error, ...a }) => ({ ...a, raw: null })),
  };
}
