import { classifierRulesEnv } from '@switchboard/classifier';
import { zammadEnv, zendeskEnv } from '@switchboard/connectors';
import { EscalationConfig, escalationRulesEnv, escalationWorkerEnv, webhooksEnv } from '@switchboard/escalation';
import {
  composeEnv,
  metricsServerEnv,
  metricsTokenEnv,
  parseEnv,
  pickEnv,
  recordsEnv,
  redisEnv,
  trainingEnv,
  serviceEnv,
  workerLocksEnv,
  type EnvOf,
} from '@switchboard/runtime';

export const escalationAppEnv = composeEnv('escalation', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  trainingEnv,
  workerLocksEnv,
  escalationWorkerEnv,
  escalationRulesEnv,
  pickEnv(classifierRulesEnv, ['CRITICAL_KEYWORDS']),
  webhooksEnv,
  // The write-back workers run here, beside the team webhooks: both deliver a final decision outward.
  pickEnv(zendeskEnv, ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_GROUPS']),
  pickEnv(zammadEnv, ['ZAMMAD_URL', 'ZAMMAD_TOKEN', 'ZAMMAD_GROUPS']),
  metricsServerEnv({ port: 9102, queueDepths: false }),
  metricsTokenEnv,
]);
export type EscalationEnv = EnvOf<typeof escalationAppEnv>;

export function escalationConfig(env: EscalationEnv): EscalationConfig {
  return parseEnv(EscalationConfig, {
    concurrency: env.ESCALATION_CONCURRENCY,
    criticalKeywords: env.CRITICAL_KEYWORDS,
    highPriorityMinConfidence: env.HIGH_PRIORITY_MIN_CONFIDENCE,
    webhooks: env.TEAM_WEBHOOKS,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookAttempts: env.WEBHOOK_ATTEMPTS,
    webhookBackoffMs: env.WEBHOOK_BACKOFF_MS,
    webhookConcurrency: env.WEBHOOK_CONCURRENCY,
  });
}

export function escalationConfigFromEnv(raw: Record<string, string | undefined>): {
  env: EscalationEnv;
  config: EscalationConfig;
} {
  const env = parseEnv(escalationAppEnv.schema, raw);
  return { env, config: escalationConfig(env) };
}
