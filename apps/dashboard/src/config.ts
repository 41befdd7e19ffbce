import { dashboardEnv } from '@switchboard/dashboard';
import { composeEnv, metricsServerEnv, metricsTokenEnv, recordsEnv, redisEnv, serviceEnv } from '@switchboard/runtime';

export { HASH_PASSWORD_COMMAND } from '@switchboard/dashboard';

export const dashboardAppEnv = composeEnv('dashboard', [
  serviceEnv,
  redisEnv,
  // Dead-letter replay reopens a ticket's record with the fleet's retention.
  recordsEnv,
  dashboardEnv,
  // Process health only (CPU, memory, event loop): queue depths come from drift, once for the fleet.
  metricsServerEnv({ port: 9105, queueDepths: false }),
  metricsTokenEnv,
]);
export const DashboardEnv = dashboardAppEnv.schema;
