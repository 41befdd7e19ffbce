import { startEscalation, startWebhookWorker } from '@switchboard/escalation';
import { openFleetContext } from '@switchboard/queues';
import { createLogger, logLevelOf, installShutdown, locksFromEnv, runApp } from '@switchboard/runtime';
import { escalationConfigFromEnv } from './config.js';

const logger = createLogger({ name: 'escalation', level: logLevelOf(process.env.LOG_LEVEL) });

await runApp(logger, async () => {
  const { env, config } = escalationConfigFromEnv(process.env);
  const fleet = await openFleetContext({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, role: 'worker', logger, retentionDays: env.RECORD_RETENTION_DAYS, locks: locksFromEnv(env) });
  const service = startEscalation(config, { ctx: fleet.ctx, store: fleet.store, stats: fleet.stats, onExhausted: fleet.deadLetter });
  const webhooks = startWebhookWorker(config, { ctx: fleet.ctx, onExhausted: fleet.deadLetter });
  installShutdown(logger, [() => service.close(), () => webhooks.close(), () => fleet.close()], env.SHUTDOWN_DEADLINE_MS);
  logger.info({ concurrency: config.concurrency, webhookTeams: Object.keys(config.webhooks) }, 'escalation started');
});
