import { z } from 'zod';
import { EscalationConfig, TeamWebhook } from '@switchboard/escalation';
import { Team } from '@switchboard/core';
import { csv, jsonOf, metricsEnvShape, parseEnv, workerEnv } from '@switchboard/runtime';

export const EscalationEnv = workerEnv.extend({
  ESCALATION_CONCURRENCY: z.coerce.number().int().positive().default(16),
  CRITICAL_KEYWORDS: csv.optional(),
  HIGH_PRIORITY_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).optional(),
  /** JSON: {"billing_support": {"url": "https://…", "secret": "…"}} */
  TEAM_WEBHOOKS: jsonOf(z.partialRecord(Team, TeamWebhook)).optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().positive().optional(),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().positive().optional(),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().optional(),
  ...metricsEnvShape({ port: 9102, queueDepths: false }),
});
export type EscalationEnv = z.infer<typeof EscalationEnv>;

export function escalationConfigFromEnv(raw: Record<string, string | undefined>): {
  env: EscalationEnv;
  config: EscalationConfig;
} {
  const env = parseEnv(EscalationEnv, raw);
  const config = parseEnv(EscalationConfig, {
    concurrency: env.ESCALATION_CONCURRENCY,
    criticalKeywords: env.CRITICAL_KEYWORDS,
    highPriorityMinConfidence: env.HIGH_PRIORITY_MIN_CONFIDENCE,
    webhooks: env.TEAM_WEBHOOKS,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookAttempts: env.WEBHOOK_ATTEMPTS,
    webhookBackoffMs: env.WEBHOOK_BACKOFF_MS,
    webhookConcurrency: env.WEBHOOK_CONCURRENCY,
  });
  return { env, config };
}
