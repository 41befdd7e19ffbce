import { classifierRulesEnv, rolloutEnv } from '@switchboard/classifier';
import { zammadEnv, zendeskEnv } from '@switchboard/connectors';
import { ingestEnv } from '@switchboard/ingest';
import { pilotEnv } from '@switchboard/pilot';
import {
  composeEnv,
  metricsTokenEnv,
  pickEnv,
  recordsEnv,
  redisEnv,
  trainingEnv,
  serviceEnv,
} from '@switchboard/runtime';

export const ingestAppEnv = composeEnv('ingest', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  trainingEnv,
  ingestEnv,
  // Ingest's /metrics is on PORT, beside the API: a token, no server of its own.
  metricsTokenEnv,
  // The pilot report (GET /v1/pilot) assumes the classifiers' stage when Redis holds none.
  pickEnv(rolloutEnv, ['ROLLOUT_STAGE']),
  pilotEnv,
  // The helpdesk webhooks: their secrets, and the groups an agent's answer is mapped back to a team by.
  pickEnv(zendeskEnv, ['ZENDESK_WEBHOOK_SECRET', 'ZENDESK_GROUPS']),
  pickEnv(zammadEnv, ['ZAMMAD_WEBHOOK_SECRET', 'ZAMMAD_GROUPS']),
  // An agent's team becomes a category for feedback by the classifiers' routing table, and feedback
  // whose team contradicts its category is refused.
  pickEnv(classifierRulesEnv, ['ROUTING_TABLE']),
]);
