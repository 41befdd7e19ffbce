import { z } from 'zod';
import { envFragment } from '@switchboard/runtime';
import { DEFAULT_MARGIN_POINTS } from './compare.js';
import type { RetrainSettings } from './retrain.js';

const count = () => z.coerce.number().int().min(1).optional();

/** The nightly retrain of the local model: when it runs and how a challenger is judged. */
export const retrainEnv = envFragment('retrain', 'job', {
  RETRAIN_CRON: z.string().optional().describe('Cron of the local model’s retrain (seconds field optional).').meta({
    default: '0 3 * * *',
  }),
  RETRAIN_TIMEZONE: z.string().optional().describe('Time zone of RETRAIN_CRON.').meta({ default: 'UTC' }),
  RETRAIN_TARGET: z.coerce
    .number()
    .min(0.5)
    .max(0.999)
    .optional()
    .describe('Accuracy the local tier aims for on what it takes; a challenger is judged on its gain at this target.')
    .meta({ default: 0.95 }),
  RETRAIN_MARGIN_POINTS: z.coerce
    .number()
    .min(0)
    .max(5)
    .optional()
    .describe(
      'Points of routed accuracy a challenger may lose against the champion, at 95% confidence, and still be promoted.',
    )
    .meta({ default: DEFAULT_MARGIN_POINTS }),
  RETRAIN_MIN_ROWS: count()
    .describe('Labelled tickets of the desk’s own before a retrain is tried.')
    .meta({ default: 50 }),
  RETRAIN_JUDGE_SHARE: z.coerce
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe('Share of people’s labels (by ticket id) kept as the judging slice: no model trains on them.')
    .meta({ default: 0.5 }),
  RETRAIN_HOLDOUT_MIN: count()
    .describe('Labels in the judging slice (unseen by the current model) needed to judge a challenger.')
    .meta({ default: 100 }),
  RETRAIN_HOLDOUT_MAX: count().describe('At most this many of the judging slice’s most recent labels are used.').meta({
    default: 1000,
  }),
  RETRAIN_SEED_SET: z
    .string()
    .optional()
    .describe('The seed tickets every challenger also learns from, weighted down as the desk’s data grows.')
    .meta({ default: 'eval/training/switchboard-train.jsonl' }),
});

export interface RetrainEnv {
  RETRAIN_CRON?: string | undefined;
  RETRAIN_TIMEZONE?: string | undefined;
  RETRAIN_TARGET?: number | undefined;
  RETRAIN_MARGIN_POINTS?: number | undefined;
  RETRAIN_MIN_ROWS?: number | undefined;
  RETRAIN_JUDGE_SHARE?: number | undefined;
  RETRAIN_HOLDOUT_MIN?: number | undefined;
  RETRAIN_HOLDOUT_MAX?: number | undefined;
  RETRAIN_SEED_SET?: string | undefined;
}

/**
 * The retrain's settings from the parsed environment and the local tier's thresholds (both models are
 * judged on what the tier would keep).
 */
export function retrainSettingsFrom(
  env: RetrainEnv,
  local: { threshold: number; priorityThreshold: number },
): RetrainSettings & { cron: string; timezone: string } {
  return {
    cron: env.RETRAIN_CRON ?? '0 3 * * *',
    timezone: env.RETRAIN_TIMEZONE ?? 'UTC',
    threshold: local.threshold,
    priorityThreshold: local.priorityThreshold,
    target: env.RETRAIN_TARGET ?? 0.95,
    marginPoints: env.RETRAIN_MARGIN_POINTS ?? DEFAULT_MARGIN_POINTS,
    holdBack: {
      min: env.RETRAIN_HOLDOUT_MIN ?? 100,
      max: env.RETRAIN_HOLDOUT_MAX ?? 1000,
      share: env.RETRAIN_JUDGE_SHARE ?? 0.5,
    },
    minOwnRows: env.RETRAIN_MIN_ROWS ?? 50,
    seed: 7,
  };
}
