import { openFleetContext, openQueue, ticketsQueue, type FleetContext } from '@switchboard/queues';
import type { AppMetrics, Logger } from '@switchboard/runtime';
import { TEST_REDIS_URL, testLogger } from '@switchboard/testkit';
import { buildIngestServer, type IngestOptions, type IngestServer } from '../server.js';

// Shared by this package's tests only; not exported from the package.

export interface IngestRig {
  fleet: FleetContext;
  tickets: ReturnType<typeof openQueue<typeof ticketsQueue.jobName, typeof ticketsQueue.schema>>;
  app: IngestServer;
  /** Stops the server, the producer and the connections; the keys stay for the test to drop. */
  close(): Promise<void>;
}

/** The ingest server as the app wires it, on its own key prefix, ready for `inject`. */
export async function startIngestRig(opts: {
  prefix: string;
  apiKeys: string[];
  redisTimeoutMs: number;
  redisUrl?: string;
  logger?: Logger;
  metrics?: AppMetrics;
  /** Server options that need the fleet (a signature check on its Redis, say). */
  server?: (fleet: FleetContext) => Partial<IngestOptions>;
}): Promise<IngestRig> {
  const logger = opts.logger ?? testLogger();
  const fleet = await openFleetContext({
    redisUrl: opts.redisUrl ?? TEST_REDIS_URL,
    prefix: opts.prefix,
    role: 'producer',
    logger,
    retentionDays: 30,
    metrics: opts.metrics?.pipeline,
  });
  const tickets = openQueue(ticketsQueue, fleet.ctx);
  const app = buildIngestServer({
    apiKeys: opts.apiKeys,
    tickets,
    store: fleet.store,
    redis: fleet.redis,
    logger,
    redisTimeoutMs: opts.redisTimeoutMs,
    metrics: opts.metrics,
    ...opts.server?.(fleet),
  });
  await app.ready();
  return {
    fleet,
    tickets,
    app,
    async close() {
      await app.close();
      await tickets.close();
      await fleet.close();
    },
  };
}
