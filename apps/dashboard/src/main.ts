import { buildDashboardServer, openBoardQueues, OPERATOR_BOARD_PATH, VIEWER_BOARD_PATH } from '@switchboard/dashboard';
import { redisSessionStore } from '@switchboard/web-auth';
import {
  createAppMetrics,
  createLogger,
  installShutdown,
  logLevelOf,
  parseEnv,
  runApp,
  serveMetrics,
} from '@switchboard/runtime';
import { DashboardEnv } from './config.js';

const logger = createLogger({ name: 'dashboard', level: logLevelOf(process.env.LOG_LEVEL) });

await runApp(logger, async () => {
  const env = parseEnv(DashboardEnv, process.env);
  if (!env.DASHBOARD_SECURE_COOKIE)
    logger.warn(
      'DASHBOARD_SECURE_COOKIE is off: the session cookie also travels over plain HTTP; use this only on localhost',
    );
  const board = await openBoardQueues({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    logger,
  });
  const server = await buildDashboardServer({
    queues: board.queues,
    redis: board.redis,
    users: env.DASHBOARD_USERS,
    sessionSecret: env.DASHBOARD_SESSION_SECRET,
    sessionTtlMs: env.DASHBOARD_SESSION_TTL_MINUTES * 60_000,
    sessions: redisSessionStore(board.redis, `${env.QUEUE_PREFIX}:web-session:dashboard`),
    secureCookie: env.DASHBOARD_SECURE_COOKIE,
    logger,
  });
  // Process health only (CPU, memory, event loop): queue depths come from drift, once for the fleet.
  const metricsServer = await serveMetrics(createAppMetrics({ app: 'dashboard' }), env, logger);
  installShutdown(
    logger,
    [() => server.close(), () => metricsServer?.close() ?? Promise.resolve(), () => board.close()],
    env.SHUTDOWN_DEADLINE_MS,
  );
  const address = await server.listen({ port: env.DASHBOARD_PORT, host: env.DASHBOARD_HOST });
  logger.info(
    {
      address,
      operators: `${OPERATOR_BOARD_PATH}/`,
      viewers: `${VIEWER_BOARD_PATH}/`,
      queues: board.queues.length,
      prefix: env.QUEUE_PREFIX,
    },
    'dashboard listening',
  );
});
