import { z } from 'zod';
import { PriceTable, RoutingTable } from '@switchboard/core';
import { ClassifierConfig, type ClassifierConfigInput } from '@switchboard/classifier';
import { csv, jsonOf, parseEnv, workerEnv } from '@switchboard/runtime';

const optionalUrl = z.url().optional();
const optionalNumber = z.coerce.number().min(0).max(1).optional();

export const ClassifierEnv = workerEnv.extend({
  CLASSIFIER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  CRITICAL_KEYWORDS: csv.optional(),
  HOTWORDS: csv.optional(),
  ROUTING_TABLE: jsonOf(RoutingTable).optional(),
  MODEL_PRICES: jsonOf(PriceTable).optional(),
  PROMPT_PATH: z.string().optional(),
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
});
export type ClassifierEnv = z.infer<typeof ClassifierEnv>;

/** A model tier is on when it has an endpoint and a key, its own or the shared MODEL_* ones. */
function tier(env: ClassifierEnv, which: 'CHEAP' | 'STRONG', defaultThreshold: number): ClassifierConfigInput['cheap'] {
  const baseURL = env[`${which}_BASE_URL`] ?? env.MODEL_BASE_URL;
  const apiKey = env[`${which}_API_KEY`] ?? env.MODEL_API_KEY;
  if (!baseURL || !apiKey) return undefined;
  return {
    baseURL,
    apiKey,
    model: env[`${which}_MODEL`],
    threshold: env[`${which}_THRESHOLD`] ?? defaultThreshold,
    timeoutMs: env.MODEL_TIMEOUT_MS,
  };
}

export function classifierConfigFromEnv(raw: Record<string, string | undefined>, defaultPromptPath: string): { env: ClassifierEnv; config: ClassifierConfig } {
  const env = parseEnv(ClassifierEnv, raw);
  const config = parseEnv(ClassifierConfig, {
    concurrency: env.CLASSIFIER_CONCURRENCY,
    criticalKeywords: env.CRITICAL_KEYWORDS,
    hotwords: env.HOTWORDS,
    routing: env.ROUTING_TABLE,
    prices: env.MODEL_PRICES,
    promptPath: env.PROMPT_PATH ?? defaultPromptPath,
    cheap: tier(env, 'CHEAP', 0.75),
    strong: tier(env, 'STRONG', 0),
  } satisfies ClassifierConfigInput);
  return { env, config };
}
