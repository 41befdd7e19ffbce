import { buildIngestServer } from '@switchboard/ingest';
import { openFleetContext, openQueue, ticketsQueue } from '@switchboard/queues';
import { createAppMetrics, createLogger, logLevelOf, installShutdown, parseEnv, runApp } from '@switchboard/runtime';
import { IngestEnv } from './config.js';

const logger = createLogger({ name: 'ingest', level: logLevelOf(process.env.LOG_LEVEL) });

await runApp(logger, async () => {
  const env = parseEnv(IngestEnv, process.env);
  const metrics = createAppMetrics({ app: 'ingest' });
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'producer',
    logger,
    retentionDays: env.RECORD_RETENTION_DAYS,
    metrics: metrics.pipeline,
  });
  const tickets = openQueue(ticketsQueue, fleet.ctx);
  const server = buildIngestServer({
    apiKeys: env.INGEST_API_KEYS,
    tickets,
    store: fleet.store,
    redis: fleet.redis,
    logger,
    redisTimeoutMs: env.REDIS_TIMEOUT_MS,
    metrics,
    metricsToken: env.METRICS_TOKEN,
    signature: env.INGEST_SIGNING_SECRETS
      ? {
          secrets: env.INGEST_SIGNING_SECRETS,
          windowSeconds: env.INGEST_SIGNATURE_WINDOW_SECONDS,
          redis: fleet.redis,
          prefix: env.QUEUE_PREFIX,
        }
      : undefined,
    pilot: {
      ledger: fleet.pilot,
      stage: async () => (await fleet.rollout.get()).stored?.stage ?? env.ROLLOUT_STAGE ?? 'off',
      gates: env.PILOT_GATES,
    },
  });
  installShutdown(logger, [() => server.close(), () => tickets.close(), () => fleet.close()], env.SHUTDOWN_DEADLINE_MS);
  const address = await server.listen({ port: env.PORT, host: env.HOST });
  logger.info({ address }, 'ingest listening');
});
