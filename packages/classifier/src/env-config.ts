import { z } from 'zod';
import { DEFAULT_THRESHOLDS, LegacyTable, PriceTable, RolloutStageText, RoutingTable } from '@switchboard/core';
import { existsSync, readFileSync } from 'node:fs';
import { ClassifierConfig, LOCAL_GUARD_PEOPLE_TARGET, type ClassifierConfigInput } from './config.js';
import { ThresholdsFile } from './calibrate.js';
import { ConfigError, csv, envFragment, flag, jsonOf, parseEnv } from '@switchboard/runtime';
import { REPO_FILES } from './repo-paths.js';

const optionalUrl = z.url().optional();
const share = () => z.coerce.number().min(0).max(1).optional();
const ms = () => z.coerce.number().int().positive().optional();

/** The routing rules the classifier applies and escalation and the review desk read. */
export const classifierRulesEnv = envFragment('classifier', 'rules', {
  CRITICAL_KEYWORDS: csv
    .optional()
    .describe('Comma-separated words that send a ticket straight to a human, skipping every model.')
    .meta({ default: 'built-in list (urgent, asap, production down, data loss, gdpr, …)' }),
  ROUTING_TABLE: jsonOf(RoutingTable)
    .optional()
    .describe('JSON category → team; a model answer naming another team is corrected to it.')
    .meta({ default: 'built-in table' }),
});

/** The pilot: which share of traffic the new router decides, and the legacy router it is compared with. */
export const rolloutEnv = envFragment('classifier', 'rollout', {
  ROLLOUT_STAGE: RolloutStageText.optional()
    .describe('The pilot stage until `pnpm ops pilot stage` stores one in Redis: off, shadow or a percentage.')
    .meta({ default: 'off' }),
  LEGACY_ROUTING_TABLE: jsonOf(LegacyTable)
    .optional()
    .describe('JSON rules of the legacy router the pilot compares with.')
    .meta({ default: 'built-in table' }),
  ROLLOUT_POLL_MS: ms().describe('How often a classifier re-reads the pilot stage from Redis.').meta({ default: 1000 }),
});

/** The cascade's tiers: the local model, the cheap and the strong model, their files and prices. */
export const classifierEnv = envFragment('classifier', 'tiers', {
  HOTWORDS: csv
    .optional()
    .describe('Comma-separated words the free rule tier routes on (refund, chargeback, …).')
    .meta({ default: 'built-in list' }),
  MODEL_PRICES: jsonOf(PriceTable)
    .optional()
    .describe('JSON model → {"inputPer1M", "outputPer1M"} USD; a model without a price is recorded at 0.')
    .meta({ default: 'built-in prices' }),
  PROMPT_PATH: z.string().optional().describe('The routing prompt file.').meta({ default: REPO_FILES.prompt }),
  THRESHOLDS_PATH: z
    .string()
    .optional()
    .describe('Thresholds written by `pnpm ops calibrate`; a threshold set in the environment wins over it.')
    .meta({ default: REPO_FILES.thresholds }),
  LOCAL_MODEL_PATH: z
    .string()
    .optional()
    .describe(
      'The local model file, imported into the model registry at start (the champion when new or the registry is empty; the review desk only reads it until a champion exists); `off` runs without a local tier.',
    )
    .meta({ default: REPO_FILES.localModel }),
  LOCAL_THRESHOLD: share()
    .describe("Confidence the local tier's answer needs; else calibrated, else 0.9.")
    .meta({ default: 'calibrated or 0.9' }),
  LOCAL_PRIORITY_THRESHOLD: share()
    .describe("Confidence the local tier's priority needs to be used.")
    .meta({ default: DEFAULT_THRESHOLDS.localPriority }),
  LOCAL_PROBATION: flag()
    .optional()
    .describe(
      "The local tier only records its answers until its model has been judged on this desk's own labels (by the retrain job, or `ops model vet`); `false` trusts a shipped or imported model from the start.",
    )
    .meta({ default: true }),
  LOCAL_MODEL_RELOAD_POLL_MS: ms()
    .describe(
      "How often a classifier (and drift, and the review desk) reads the model registry's champion pointer to follow a promotion.",
    )
    .meta({ default: 2000 }),
  MODEL_BASE_URL: optionalUrl.describe('OpenAI-compatible endpoint shared by the cheap and strong tiers.'),
  MODEL_API_KEY: z.string().optional().describe('API key for MODEL_BASE_URL.'),
  MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000).describe('Timeout of one model call.'),
  CHEAP_BASE_URL: optionalUrl.describe("The cheap tier's own endpoint (else MODEL_BASE_URL)."),
  CHEAP_API_KEY: z.string().optional().describe("The cheap tier's own key (else MODEL_API_KEY)."),
  CHEAP_MODEL: z.string().default('gpt-4o-mini').describe('Model name of the cheap tier.'),
  CHEAP_THRESHOLD: share()
    .describe("Confidence the cheap tier's answer needs; else calibrated, else 0.75.")
    .meta({ default: 'calibrated or 0.75' }),
  STRONG_BASE_URL: optionalUrl.describe("The strong tier's own endpoint (else MODEL_BASE_URL)."),
  STRONG_API_KEY: z.string().optional().describe("The strong tier's own key (else MODEL_API_KEY)."),
  STRONG_MODEL: z.string().default('claude-opus-4-7').describe('Model name of the strong tier.'),
  STRONG_THRESHOLD: share()
    .describe("Confidence the strong tier's answer needs; else calibrated, else 0.6.")
    .meta({ default: 'calibrated or 0.6' }),
  FALLBACK_POLL_MS: ms()
    .describe("How often a classifier re-reads drift's cheap-tier switch and the day's fallback spend.")
    .meta({ default: 1000 }),
  REDACT_PII_FOR_MODELS: flag()
    .optional()
    .describe('`false` sends ticket text to providers as written (e-mails and card numbers included).')
    .meta({ default: true }),
});

/** Spot checks of what the local and cheap tiers route, and the live guard that switches them off. */
export const guardEnv = envFragment('classifier', 'guard', {
  LOCAL_SPOT_CHECK_RATE: share()
    .describe(
      'Share of the tickets the local tier routes that the cheap tier (else strong) also answers, after delivery.',
    )
    .meta({ default: 0.02 }),
  CHEAP_SPOT_CHECK_RATE: share()
    .describe('Share of the tickets the cheap tier routes that the strong tier also answers, after delivery.')
    .meta({ default: 0.01 }),
  LOCAL_GUARD_TARGET: share()
    .describe('Agreement the local tier must keep with its judges; below it (95% bound) it is switched off fleet-wide.')
    .meta({ default: 0.8 }),
  LOCAL_GUARD_PEOPLE_TARGET: share()
    .describe(
      'Accuracy the local tier must keep on people’s labels alone (feedback, review-desk resolutions); below it (99% upper bound) it is switched off.',
    )
    .meta({ default: LOCAL_GUARD_PEOPLE_TARGET }),
  LOCAL_GUARD_PEOPLE_WINDOW: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('How many of people’s most recent judgments of the local tier LOCAL_GUARD_PEOPLE_TARGET weighs.')
    .meta({ default: 50 }),
  CHEAP_GUARD_TARGET: share()
    .describe('Agreement the cheap tier must keep with the strong one; below it the cheap tier is switched off.')
    .meta({ default: 0.8 }),
  GUARD_WINDOW: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('How many of the most recent judgments (spot checks and ground truth) the guard weighs per tier.')
    .meta({ default: 200 }),
  GUARD_MIN_JUDGED: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Judgments before the guard may act on a tier that is plainly below its target.')
    .meta({ default: 10 }),
  GUARD_CHEAP_FALLBACK_DAILY_CAP_USD: z.coerce
    .number()
    .nonnegative()
    .optional()
    .describe('Strong-tier spend per UTC day once the guard has switched the cheap tier off.')
    .meta({ default: 50 }),
});

/** The classifier worker itself. */
export const classifierWorkerEnv = envFragment('classifier', 'worker', {
  CLASSIFIER_CONCURRENCY: z.coerce
    .number()
    .int()
    .positive()
    .default(8)
    .describe('Tickets one classifier works on at once.'),
});

/** Everything a classifier stack (openClassifierStack) reads: the classifier app, drift, ops eval and calibrate. */
export const classifierStackFragments = [classifierEnv, classifierRulesEnv, rolloutEnv, guardEnv] as const;

const _stackSchema = z.object({
  ...classifierEnv.shape,
  ...classifierRulesEnv.shape,
  ...rolloutEnv.shape,
  ...guardEnv.shape,
});
export type ClassifierStackEnv = z.infer<typeof _stackSchema> & { CLASSIFIER_CONCURRENCY?: number };

export interface Defaults {
  promptPath: string;
  localModelPath: string;
}

type Fitted = ThresholdsFile['thresholds'] | undefined;

/**
 * A model tier is on when it has an endpoint and a key (its own or the shared MODEL_* ones) and
 * calibration did not switch it off. Threshold: env, else the calibrated one, else the default.
 */
function tier(
  env: ClassifierStackEnv,
  which: 'CHEAP' | 'STRONG',
  fitted: number | null | undefined,
  defaultThreshold: number,
): ClassifierConfigInput['cheap'] {
  const baseURL = env[`${which}_BASE_URL`] ?? env.MODEL_BASE_URL;
  const apiKey = env[`${which}_API_KEY`] ?? env.MODEL_API_KEY;
  const threshold = env[`${which}_THRESHOLD`];
  if (!baseURL || !apiKey || (fitted === null && threshold === undefined)) return undefined;
  return {
    baseURL,
    apiKey,
    model: env[`${which}_MODEL`],
    threshold: threshold ?? fitted ?? defaultThreshold,
    timeoutMs: env.MODEL_TIMEOUT_MS,
  };
}

/** The classifier's validated config from its parsed settings and, when there is one, the calibrated thresholds. */
export function classifierConfigFromEnv(
  env: ClassifierStackEnv,
  defaults: Defaults,
  thresholds?: ThresholdsFile,
): ClassifierConfig {
  const fitted: Fitted = thresholds?.thresholds;
  const localPath = env.LOCAL_MODEL_PATH ?? defaults.localModelPath;
  const localOff = localPath === 'off' || (fitted?.local === null && env.LOCAL_THRESHOLD === undefined);
  return parseEnv(ClassifierConfig, {
    concurrency: env.CLASSIFIER_CONCURRENCY,
    criticalKeywords: env.CRITICAL_KEYWORDS,
    hotwords: env.HOTWORDS,
    routing: env.ROUTING_TABLE,
    prices: env.MODEL_PRICES,
    promptPath: env.PROMPT_PATH ?? defaults.promptPath,
    local: localOff
      ? undefined
      : {
          modelPath: localPath,
          threshold: env.LOCAL_THRESHOLD ?? fitted?.local ?? undefined,
          priorityThreshold: env.LOCAL_PRIORITY_THRESHOLD,
          probation: env.LOCAL_PROBATION,
          reloadPollMs: env.LOCAL_MODEL_RELOAD_POLL_MS,
        },
    cheap: tier(env, 'CHEAP', fitted?.cheap, DEFAULT_THRESHOLDS.cheap),
    strong: tier(env, 'STRONG', fitted?.strong, DEFAULT_THRESHOLDS.strong),
    fallbackPollMs: env.FALLBACK_POLL_MS,
    redactPii: env.REDACT_PII_FOR_MODELS,
    rollout: { defaultStage: env.ROLLOUT_STAGE, legacyTable: env.LEGACY_ROUTING_TABLE, pollMs: env.ROLLOUT_POLL_MS },
    guard: {
      localSpotCheckRate: env.LOCAL_SPOT_CHECK_RATE,
      cheapSpotCheckRate: env.CHEAP_SPOT_CHECK_RATE,
      local: {
        target: env.LOCAL_GUARD_TARGET,
        peopleTarget: env.LOCAL_GUARD_PEOPLE_TARGET,
        peopleWindow: env.LOCAL_GUARD_PEOPLE_WINDOW,
        window: env.GUARD_WINDOW,
        minJudged: env.GUARD_MIN_JUDGED,
      },
      cheap: { target: env.CHEAP_GUARD_TARGET, window: env.GUARD_WINDOW, minJudged: env.GUARD_MIN_JUDGED },
      cheapFallbackDailyCapUsd: env.GUARD_CHEAP_FALLBACK_DAILY_CAP_USD,
    },
  } satisfies ClassifierConfigInput);
}

/** Reads calibrated thresholds; a missing default file is fine, a missing named one or a bad one is not. */
export function readThresholdsFile(path: string | undefined, defaultPath: string): ThresholdsFile | undefined {
  const file = path ?? defaultPath;
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`THRESHOLDS_PATH: ${path} does not exist`);
    return undefined;
  }
  try {
    return parseEnv(ThresholdsFile, JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`thresholds file ${file} is not valid: ${(err as Error).message}`);
  }
}
