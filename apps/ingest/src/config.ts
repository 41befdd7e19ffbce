import { z } from 'zod';
import { RolloutStageText } from '@switchboard/core';
import { GateConfig } from '@switchboard/pilot';
import { commonEnv, csv, jsonOf, MetricsToken } from '@switchboard/runtime';

export const IngestEnv = commonEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Comma-separated API keys; callers send `Authorization: Bearer <key>`. */
  INGEST_API_KEYS: csv.pipe(
    z.array(z.string().min(16, 'each API key must be at least 16 characters')).min(1, 'set at least one key'),
  ),
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(8).default(30),
  REDIS_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Bearer token for GET /metrics on PORT; unset, /metrics is open like /healthz (block it at the edge). */
  METRICS_TOKEN: MetricsToken,
  /** The pilot stage the report assumes when Redis holds none (the classifiers' ROLLOUT_STAGE). */
  ROLLOUT_STAGE: RolloutStageText.optional(),
  /** JSON: what the pilot report's gate requires to leave each stage, e.g. {"5": {"minFeedback": 300, …}}. */
  PILOT_GATES: jsonOf(GateConfig).optional(),
  /** Comma-separated secrets for Zendesk-style signed webhooks (two during a rotation); set, every POST must be signed. */
  INGEST_SIGNING_SECRETS: csv
    .pipe(z.array(z.string().min(16, 'each signing secret must be at least 16 characters')).min(1))
    .optional(),
  INGEST_SIGNATURE_WINDOW_SECONDS: z.coerce.number().int().min(10).max(3_600).default(300),
});
export type IngestEnv = z.infer<typeof IngestEnv>;
