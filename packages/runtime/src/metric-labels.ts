import type { AttemptOutcome, TierName } from '@switchboard/core';

/**
 * Label values must come from a small, fixed set: every distinct value is a new time series kept in
 * Prometheus for weeks. These helpers turn domain values into such a set and fold anything
 * unexpected (a hand-made job, a future code) into `other` rather than let it become a series.
 */

const REASON_CODE = /^[a-z][a-z0-9_]{0,47}$/;
// Critical keywords come from configuration (a short list), so `critical_keyword:<word>` stays bounded.
const CRITICAL_REASON = /^critical_keyword:[\p{L}\p{N}][\p{L}\p{N} ._-]{0,47}$/u;

export const reasonLabel = (reason: string): string =>
  REASON_CODE.test(reason) || CRITICAL_REASON.test(reason) ? reason : 'other';

/**
 * Model names come from configuration. The local model's name is its version, which changes on
 * every retrain, so it is one label value, `local`, whatever version is loaded.
 */
export const modelLabel = (tier: TierName, model: string): string => (tier === 'local' ? 'local' : model.slice(0, 64));

// Provider error codes the llm tier produces; anything else (an exception's name) is `unavailable`.
const PROVIDER_ERROR = /^(timeout|network|rate_limited|insufficient_quota|malformed_response|http_\d{3})$/;

/** What kind of failure a model attempt was, or undefined when it was not one. */
export function modelErrorKind(outcome: AttemptOutcome, error: string | undefined): string | undefined {
  if (outcome === 'invalid') return 'invalid_output';
  if (outcome !== 'unavailable') return undefined;
  return error !== undefined && PROVIDER_ERROR.test(error) ? error : 'unavailable';
}

/** `share of "other"` → `share_of_other`: display names made into label values. */
export const slugLabel = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48) || 'unknown';
