import { startEscalation, startWebhookWorker } from '@switchboard/escalation';
import { openFleetContext, openFleetStateReader } from '@switchboard/queues';
import {
  createAppMetrics,
  createLogger,
  exportFleetState,
  logLevelOf,
  installShutdown,
  locksFromEnv,
  runApp,
  serveMetrics,
} from '@switchboard/runtime';
import { escalationConfigFromEnv } from './config.js';

const logger = createLogger({ name: 'escalation', level: logLevelOf(process.env.LOG_LEVEL) });

await runApp(logger, async () => {
  const { env, config } = escalationConfigFromEnv(process.env);
  const metrics = createAppMetrics({ app: 'escalation' });
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'worker',
    logger,
    retentionDays: env.RECORD_RETENTION_DAYS,
    locks: locksFromEnv(env),
    metrics: metrics.pipeline,
  });
  const fleetState = env.METRICS_QUEUE_DEPTHS === 'on' ? openFleetStateReader(fleet.ctx) : undefined;
  if (fleetState) exportFleetState(metrics.registry, fleetState.read, { log: logger });
  const metricsServer = await serveMetrics(metrics, env, logger);
  const service = startEscalation(config, {
    ctx: fleet.ctx,
    store: fleet.store,
    stats: fleet.stats,
    pilot: fleet.pilot,
    onExhausted: fleet.deadLetter,
  });
  const webhooks = startWebhookWorker(config, { ctx: fleet.ctx, store: fleet.store, onExhausted: fleet.deadLetter });
  installShutdown(
    logger,
    [
      () => service.close(),
      () => webhooks.close(),
      async () => metricsServer?.close(),
      async () => fleetState?.close(),
      () => fleet.close(),
    ],
    env.SHUTDOWN_DEADLINE_MS,
  );
  logger.info({ concurrency: config.concurrency, webhookTeams: Object.keys(config.webhooks) }, 'escalation started');
});
