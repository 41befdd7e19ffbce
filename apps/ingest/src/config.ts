import { classifierRulesEnv, rolloutEnv } from '@switchboard/classifier';
import { ingestEnv } from '@switchboard/ingest';
import { pilotEnv } from '@switchboard/pilot';
import { composeEnv, metricsTokenEnv, pickEnv, recordsEnv, redisEnv, serviceEnv } from '@switchboard/runtime';

export const ingestAppEnv = composeEnv('ingest', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  ingestEnv,
  // Ingest's /metrics is on PORT, beside the API: a token, no server of its own.
  metricsTokenEnv,
  // The pilot report (GET /v1/pilot) assumes the classifiers' stage when Redis holds none.
  pickEnv(rolloutEnv, ['ROLLOUT_STAGE']),
  pilotEnv,
  // Feedback whose team contradicts its category by the classifiers' routing table is refused.
  pickEnv(classifierRulesEnv, ['ROUTING_TABLE']),
]);
