import type { AppEnv } from '@switchboard/runtime';
import { classifierAppEnv } from '../../apps/classifier/src/config.js';
import { dashboardAppEnv } from '../../apps/dashboard/src/config.js';
import { driftAppEnv } from '../../apps/drift/src/config.js';
import { escalationAppEnv } from '../../apps/escalation/src/config.js';
import { fleetAppEnv } from '../../apps/fleet/src/config.js';
import { ingestAppEnv } from '../../apps/ingest/src/config.js';
import { opsAppEnv } from '../../apps/ops/src/config.js';
import { reviewDeskAppEnv } from '../../apps/review-desk/src/config.js';

/** Every app's environment, as the app composes it: the source of the configuration reference. */
export const APP_ENVS: readonly AppEnv[] = [
  ingestAppEnv,
  classifierAppEnv,
  escalationAppEnv,
  driftAppEnv,
  reviewDeskAppEnv,
  dashboardAppEnv,
  opsAppEnv,
  fleetAppEnv,
];
