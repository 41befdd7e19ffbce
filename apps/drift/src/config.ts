import { classifierStackFragments } from '@switchboard/classifier';
import { driftEnv, driftPathsEnv, slackEnv } from '@switchboard/drift';
import { escalationRulesEnv } from '@switchboard/escalation';
import { pilotEnv } from '@switchboard/pilot';
import { retrainEnv } from '@switchboard/retrain';
import {
  composeEnv,
  metricsServerEnv,
  metricsTokenEnv,
  recordsEnv,
  redisEnv,
  serviceEnv,
  trainingEnv,
  workerLocksEnv,
} from '@switchboard/runtime';

export const driftAppEnv = composeEnv('drift', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  workerLocksEnv,
  // The check runs the classifier's tiers as configured for the classifiers.
  ...classifierStackFragments,
  driftEnv,
  driftPathsEnv,
  slackEnv,
  // The escalation rule, so the eval's escalation figures match production.
  escalationRulesEnv,
  // What the weekly report's pilot section requires to leave each stage.
  pilotEnv,
  // Drift is the fleet's scheduled-work process: it also runs the nightly retrain, on the training
  // store's rows (TRAINING_CHEAP_CONFIRM_DAYS says which cheap answers count yet).
  retrainEnv,
  trainingEnv,
  // Its own port beside the classifier's; and drift, one process doing a weekly job, is the app
  // that reads queue depths for the fleet.
  metricsServerEnv({ port: 9103, queueDepths: true }),
  metricsTokenEnv,
]);
