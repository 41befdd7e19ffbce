import { classifierStackFragments, rolloutEnv } from '@switchboard/classifier';
import { driftPathsEnv } from '@switchboard/drift';
import { escalationRulesEnv } from '@switchboard/escalation';
import { pilotEnv } from '@switchboard/pilot';
import { composeEnv, pickEnv, recordsEnv, redisEnv, trainingEnv } from '@switchboard/runtime';

/** dead-letter, fallback, drift run, forget: the fleet as the apps open it (prefix, cluster, retention). */
export const opsFleetEnv = composeEnv('ops', [redisEnv, recordsEnv, trainingEnv]);

export const opsPilotEnv = composeEnv('ops', [redisEnv, recordsEnv, pickEnv(rolloutEnv, ['ROLLOUT_STAGE']), pilotEnv]);

/** eval: the classifiers' cascade, escalation's rule and drift's files, so a run matches production and drift. */
export const opsEvalEnv = composeEnv('ops', [...classifierStackFragments, escalationRulesEnv, driftPathsEnv]);

export const opsCalibrateEnv = composeEnv('ops', [...classifierStackFragments]);

/** eval-promote writes the baseline drift reads. */
export const opsPromoteEnv = composeEnv('ops', [pickEnv(driftPathsEnv, ['DRIFT_BASELINE_PATH'])]);

/** Everything any ops command reads, for the configuration reference. */
export const opsAppEnv = composeEnv('ops', [
  ...opsFleetEnv.fragments,
  ...opsPilotEnv.fragments,
  ...opsEvalEnv.fragments,
  ...opsPromoteEnv.fragments,
]);
