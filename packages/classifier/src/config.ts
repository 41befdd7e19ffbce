import { z } from 'zod';
import {
  DEFAULT_CRITICAL_KEYWORDS,
  DEFAULT_LEGACY_TABLE,
  DEFAULT_THRESHOLDS,
  DEFAULT_HOTWORDS,
  DEFAULT_PRICES,
  DEFAULT_ROUTING_TABLE,
  LegacyTable,
  PriceTable,
  RolloutStage,
  RoutingTable,
} from '@switchboard/core';

export const ModelTierConfig = z.object({
  baseURL: z.url(),
  apiKey: z.string().min(1),
  model: z.string().min(1),
  threshold: z.number().min(0).max(1),
  timeoutMs: z.number().int().positive().default(20_000),
  maxTokens: z.number().int().positive().default(200),
});
export type ModelTierConfig = z.infer<typeof ModelTierConfig>;

export const LocalTierConfig = z.object({
  modelPath: z.string().min(1),
  /** Until `calibrate` fits one on data, a cautious default: the local tier takes only what it is very sure of. */
  threshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLDS.local),
  priorityThreshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLDS.localPriority),
  /**
   * A model not yet judged on this desk's own labels only records its answers (note
   * `local_probation`): a model trained elsewhere is sure of tickets it has never seen the like of.
   */
  probation: z.boolean().default(true),
  reloadPollMs: z.number().int().positive().default(2_000),
});
export type LocalTierConfig = z.infer<typeof LocalTierConfig>;

/**
 * The local tier promises its own accuracy (95% at the default threshold): when people's labels say
 * it is below 90% (99% upper bound), it is switched off without waiting for a full window of
 * agreement with a cheap judge. Measured on BANKING77 replayed in file order, where every week brings
 * intents no model has seen: a model taking 65% of a week at 73% was not caught by agreement alone.
 */
export const LOCAL_GUARD_PEOPLE_TARGET = 0.9;

const GuardRuleConfig = z.object({
  target: z.number().min(0).max(1).default(0.8),
  window: z.number().int().min(1).default(200),
  minJudged: z.number().int().min(1).default(10),
});

/**
 * Spot checks and the live guard (issue 14). Agreement with the judging tier understates accuracy
 * (the judge is wrong sometimes too), so a tier's target here sits below its own accuracy target.
 */
export const GuardConfig = z.object({
  /** Share of the tickets the local tier routes that the next tier up is also asked, after delivery. */
  localSpotCheckRate: z.number().min(0).max(1).default(0.02),
  /** Share of the tickets the cheap tier routes that the strong tier is also asked. */
  cheapSpotCheckRate: z.number().min(0).max(1).default(0.01),
  local: GuardRuleConfig.extend({
    /** Accuracy on people's judgments alone (ground truth), judged apart from the window's agreement. */
    peopleTarget: z.number().min(0).max(1).default(LOCAL_GUARD_PEOPLE_TARGET),
    /**
     * How many of people's most recent judgments count. Shorter than the agreement window: a desk
     * whose topics change is caught within dozens of labels (simulated, a fall from 97% to 73% after
     * a median of 38 at 50, 102 at 200), and a tier right 95% of the time trips once in 170 runs of
     * 1,000 judgments.
     */
    peopleWindow: z.number().int().min(1).default(50),
  }).prefault({}),
  cheap: GuardRuleConfig.prefault({}),
  /** Strong-tier spend per UTC day once the guard has switched the cheap tier off. */
  cheapFallbackDailyCapUsd: z.number().nonnegative().default(50),
  /** Spot checks one classifier runs at once. */
  concurrency: z.number().int().positive().default(2),
});
export type GuardConfig = z.infer<typeof GuardConfig>;

/** Everything the classifier needs, validated; apps build it from the environment. */
export const ClassifierConfig = z.object({
  concurrency: z.number().int().positive().default(8),
  criticalKeywords: z.array(z.string().min(1)).default([...DEFAULT_CRITICAL_KEYWORDS]),
  hotwords: z.array(z.string().min(1)).default([...DEFAULT_HOTWORDS]),
  routing: RoutingTable.default(DEFAULT_ROUTING_TABLE),
  prices: PriceTable.default(DEFAULT_PRICES),
  promptPath: z.string().min(1),
  /** The in-process model; absent → no local tier. */
  local: LocalTierConfig.optional(),
  /** Model tiers, cheapest first. Absent tiers are skipped: with none, unknown tickets go to humans. */
  cheap: ModelTierConfig.optional(),
  strong: ModelTierConfig.optional(),
  transientRetries: z.number().int().min(0).max(5).default(1),
  invalidRetries: z.number().int().min(0).max(3).default(1),
  backoffBaseMs: z.number().int().min(0).default(250),
  /** 429s a ticket waits out before the rate-limited tier counts as unavailable for it. */
  maxRateLimitDeferrals: z.number().int().min(0).default(5),
  /** How often a worker re-reads the drift fallback switch and the day's fallback spend. */
  fallbackPollMs: z.number().int().positive().default(1_000),
  /** Per model tier and process: after this many provider failures in a row, stop calling it for a while. */
  circuitBreaker: z
    .object({
      failures: z.number().int().positive().default(5),
      cooldownMs: z.number().int().positive().default(30_000),
    })
    .prefault({}),
  /** E-mail addresses and card numbers are replaced before ticket text goes to a provider's API. */
  redactPii: z.boolean().default(true),
  /** The pilot: its stage when Redis holds none, the legacy router's table, and how often to re-read the stage. */
  rollout: z
    .object({
      defaultStage: RolloutStage.default('off'),
      legacyTable: LegacyTable.default([...DEFAULT_LEGACY_TABLE]),
      pollMs: z.number().int().positive().default(1_000),
    })
    .prefault({}),
  guard: GuardConfig.prefault({}),
});
export type ClassifierConfig = z.infer<typeof ClassifierConfig>;
export type ClassifierConfigInput = z.input<typeof ClassifierConfig>;
