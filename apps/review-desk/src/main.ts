import { DEFAULT_ROUTING_TABLE, type Team } from '@switchboard/core';
import { teamDelivery } from '@switchboard/lifecycle';
import { openFleetContext } from '@switchboard/queues';
import { buildReviewServer, ReviewDesk } from '@switchboard/review-desk';
import {
  createAppMetrics,
  createLogger,
  createReviewMetrics,
  installShutdown,
  logLevelOf,
  runApp,
  serveMetrics,
} from '@switchboard/runtime';
import { redisSessionStore } from '@switchboard/web-auth';
import { reviewDeskConfigFromEnv } from './config.js';

const logger = createLogger({ name: 'review-desk', level: logLevelOf(process.env.LOG_LEVEL) });

await runApp(logger, async () => {
  const { env, config } = reviewDeskConfigFromEnv(process.env);
  const metrics = createAppMetrics({ app: 'review-desk' });
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'producer',
    logger,
    retentionDays: env.RECORD_RETENTION_DAYS,
    metrics: metrics.pipeline,
  });
  const delivery = teamDelivery(fleet.ctx, {
    webhookTeams: new Set(Object.keys(env.TEAM_WEBHOOKS ?? {}) as Team[]),
    webhookAttempts: env.WEBHOOK_ATTEMPTS,
    webhookBackoffMs: env.WEBHOOK_BACKOFF_MS,
  });
  const desk = new ReviewDesk(config, {
    redis: fleet.redis,
    prefix: env.QUEUE_PREFIX,
    store: fleet.store,
    stats: fleet.stats,
    delivery,
    pilot: fleet.pilot,
    routing: env.ROUTING_TABLE ?? DEFAULT_ROUTING_TABLE,
    log: logger,
    metrics: createReviewMetrics(metrics.registry),
  });
  const app = await buildReviewServer({
    desk,
    logger,
    basePath: env.REVIEW_DESK_BASE_PATH,
    auth: {
      users: env.REVIEW_DESK_USERS,
      secret: env.REVIEW_DESK_SESSION_SECRET,
      sessionTtlMs: env.REVIEW_DESK_SESSION_HOURS * 3_600_000,
      sessions: redisSessionStore(fleet.redis, `${env.QUEUE_PREFIX}:web-session:review-desk`),
      secureCookie: env.REVIEW_DESK_SECURE_COOKIE === 'true',
    },
  });
  await app.listen({ port: env.REVIEW_DESK_PORT, host: env.REVIEW_DESK_HOST });
  const metricsServer = await serveMetrics(metrics, env, logger);
  installShutdown(
    logger,
    [
      () => app.close(),
      () => metricsServer?.close() ?? Promise.resolve(),
      () => desk.close(),
      () => delivery.close(),
      () => fleet.close(),
    ],
    env.SHUTDOWN_DEADLINE_MS,
  );
  logger.info(
    { port: env.REVIEW_DESK_PORT, users: env.REVIEW_DESK_USERS.length, leaseMs: config.leaseMs },
    'review desk started',
  );
});
