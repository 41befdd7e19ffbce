import { createKeywordMatcher, type CascadeOptions, type Tier } from '@switchboard/core';
import type { ClassifierConfig } from './config.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * How the workers run the cascade. Eval, calibration and drift take the same options from here, so
 * what they measure is what production does.
 */
export function cascadeOptions(
  config: ClassifierConfig,
  tiers: readonly Tier[],
): Omit<CascadeOptions, 'rateLimitIsUnavailable'> {
  return {
    tiers,
    critical: createKeywordMatcher(config.criticalKeywords),
    transientRetries: config.transientRetries,
    invalidRetries: config.invalidRetries,
    backoffMs: (retry) => config.backoffBaseMs * 2 ** retry,
    sleep,
    now: () => performance.now(),
    clock: () => new Date(),
    redactPii: config.redactPii,
  };
}
