import type { BoardHooks } from '@bull-board/api/typings/app';
import { REDACTED, redactForViewer } from './redact.js';

/** Job logs are free text a worker chose to write; nothing tells ticket text apart from the rest. */
const JOB_LOGS_ROUTE = '/api/queues/:queueName/:jobId/logs';

/**
 * The last word on everything the read-only board's JSON API answers. The data formatters already
 * redact `data`, `returnValue` and `progress`, but a job also carries its failure reason and stack
 * trace, its logs, and a job scheduler its template data: this hook runs on every API response
 * (job lists, one job, logs, flows, schedulers), so no route the UI happens to call, or a viewer
 * calls by hand, can return ticket text.
 */
export const viewerHooks: BoardHooks = {
  after: (context, result) => {
    if (context.route === JOB_LOGS_ROUTE && Array.isArray(result.body)) {
      return { ...result, body: result.body.map(() => REDACTED) };
    }
    return { ...result, body: redactForViewer(result.body) as typeof result.body };
  },
};
