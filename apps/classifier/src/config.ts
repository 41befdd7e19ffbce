import { classifierStackFragments, classifierWorkerEnv } from '@switchboard/classifier';
import {
  composeEnv,
  metricsServerEnv,
  metricsTokenEnv,
  recordsEnv,
  redisEnv,
  trainingEnv,
  serviceEnv,
  workerLocksEnv,
} from '@switchboard/runtime';

export const classifierAppEnv = composeEnv('classifier', [
  serviceEnv,
  redisEnv,
  recordsEnv,
  trainingEnv,
  workerLocksEnv,
  ...classifierStackFragments,
  classifierWorkerEnv,
  metricsServerEnv({ port: 9101, queueDepths: false }),
  metricsTokenEnv,
]);
