import { classifierEnv, classifierRulesEnv } from '@switchboard/classifier';
import { zammadEnv, zendeskEnv } from '@switchboard/connectors';
import { webhooksEnv } from '@switchboard/escalation';
import { ReviewDeskConfig, reviewDeskEnv } from '@switchboard/review-desk';
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
  type EnvOf,
} from '@switchboard/runtime';

export const reviewDeskAppEnv = composeEnv('review-desk', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  trainingEnv,
  reviewDeskEnv,
  // A correction's team is checked against the classifiers' routing table.
  pickEnv(classifierRulesEnv, ['ROUTING_TABLE']),
  // Critical tickets skip every model; the desk shows the local model's guess for them, in process:
  // the registry's champion (LOCAL_MODEL_PATH only until a classifier has stored one), polled for promotions.
  pickEnv(classifierEnv, ['LOCAL_MODEL_PATH', 'LOCAL_MODEL_RELOAD_POLL_MS']),
  // A resolved ticket takes the same webhook path escalation delivers on.
  pickEnv(webhooksEnv, ['TEAM_WEBHOOKS', 'WEBHOOK_ATTEMPTS', 'WEBHOOK_BACKOFF_MS']),
  // A person's answer for a helpdesk ticket is written back too, when that connector's write-back is on.
  pickEnv(zendeskEnv, ['ZENDESK_URL']),
  pickEnv(zammadEnv, ['ZAMMAD_URL']),
  metricsServerEnv({ port: 9104, queueDepths: false }),
  metricsTokenEnv,
]);
export type ReviewDeskEnv = EnvOf<typeof reviewDeskAppEnv>;

export function reviewDeskConfig(env: ReviewDeskEnv): ReviewDeskConfig {
  return parseEnv(ReviewDeskConfig, {
    leaseMs: env.REVIEW_LEASE_MS,
    renewEveryMs: env.REVIEW_RENEW_MS,
    listLimit: env.REVIEW_LIST_LIMIT,
    slaMs: env.REVIEW_SLA_MS,
    retentionDays: Math.max(90, env.RECORD_RETENTION_DAYS),
  });
}

export function reviewDeskConfigFromEnv(raw: Record<string, string | undefined>): {
  env: ReviewDeskEnv;
  config: ReviewDeskConfig;
} {
  const env = parseEnv(reviewDeskAppEnv.schema, raw);
  return { env, config: reviewDeskConfig(env) };
}
