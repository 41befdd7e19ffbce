import { z } from 'zod';
import { DEFAULT_THRESHOLDS, LegacyTable, PriceTable, RolloutStageText, RoutingTable } from '@switchboard/core';
import { existsSync, readFileSync } from 'node:fs';
import { ClassifierConfig, type ClassifierConfigInput } from './config.js';
import { ThresholdsFile } from './calibrate.js';
import { ConfigError, csv, jsonOf, metricsEnvShape, parseEnv, workerEnv } from '@switchboard/runtime';

const optionalUrl = z.url().optional();
const optionalNumber = z.coerce.number().min(0).max(1).optional();

export const ClassifierEnv = workerEnv.extend({
  CLASSIFIER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  CRITICAL_KEYWORDS: csv.optional(),
  HOTWORDS: csv.optional(),
  ROUTING_TABLE: jsonOf(RoutingTable).optional(),
  MODEL_PRICES: jsonOf(PriceTable).optional(),
  PROMPT_PATH: z.string().optional(),
  /** Thresholds written by `calibrate`; env thresholds win over it. */
  THRESHOLDS_PATH: z.string().optional(),
  /** The local model file; `off` runs without a local tier. */
  LOCAL_MODEL_PATH: z.string().optional(),
  LOCAL_THRESHOLD: optionalNumber,
  LOCAL_PRIORITY_THRESHOLD: optionalNumber,
  LOCAL_MODEL_RELOAD_POLL_MS: z.coerce.number().int().positive().optional(),
  /** Shared endpoint and key for both model tiers (an OpenAI-compatible gateway). */
  MODEL_BASE_URL: optionalUrl,
  MODEL_API_KEY: z.string().optional(),
  MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  CHEAP_BASE_URL: optionalUrl,
  CHEAP_API_KEY: z.string().optional(),
  CHEAP_MODEL: z.string().default('gpt-4o-mini'),
  CHEAP_THRESHOLD: optionalNumber,
  STRONG_BASE_URL: optionalUrl,
  STRONG_API_KEY: z.string().optional(),
  STRONG_MODEL: z.string().default('claude-opus-4-7'),
  STRONG_THRESHOLD: optionalNumber,
  FALLBACK_POLL_MS: z.coerce.number().int().positive().optional(),
  /** The pilot stage until `pnpm ops pilot stage` sets one in Redis: off, shadow or a percentage. */
  ROLLOUT_STAGE: RolloutStageText.optional(),
  LEGACY_ROUTING_TABLE: jsonOf(LegacyTable).optional(),
  ROLLOUT_POLL_MS: z.coerce.number().int().positive().optional(),
  /** `false` sends ticket text to providers as written (e-mails and card numbers included). */
  REDACT_PII_FOR_MODELS: z.enum(['true', 'false']).optional(),
  ...metricsEnvShape({ port: 9101, queueDepths: false }),
});
export type ClassifierEnv = z.infer<typeof ClassifierEnv>;

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
  env: ClassifierEnv,
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

export function classifierConfigFromEnv(
  raw: Record<string, string | undefined>,
  defaults: Defaults,
  thresholds?: ThresholdsFile,
): { env: ClassifierEnv; config: ClassifierConfig } {
  const env = parseEnv(ClassifierEnv, raw);
  const fitted: Fitted = thresholds?.thresholds;
  const localPath = env.LOCAL_MODEL_PATH ?? defaults.localModelPath;
  const localOff = localPath === 'off' || (fitted?.local === null && env.LOCAL_THRESHOLD === undefined);
  const config = parseEnv(ClassifierConfig, {
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
          reloadPollMs: env.LOCAL_MODEL_RELOAD_POLL_MS,
        },
    cheap: tier(env, 'CHEAP', fitted?.cheap, DEFAULT_THRESHOLDS.cheap),
    strong: tier(env, 'STRONG', fitted?.strong, DEFAULT_THRESHOLDS.strong),
    fallbackPollMs: env.FALLBACK_POLL_MS,
    redactPii: env.REDACT_PII_FOR_MODELS === undefined ? undefined : env.REDACT_PII_FOR_MODELS === 'true',
    rollout: { defaultStage: env.ROLLOUT_STAGE, legacyTable: env.LEGACY_ROUTING_TABLE, pollMs: env.ROLLOUT_POLL_MS },
  } satisfies ClassifierConfigInput);
  return { env, config };
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
