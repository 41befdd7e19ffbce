import { buildDashboardServer, openBoardQueues, OPERATOR_BOARD_PATH, VIEWER_BOARD_PATH } from '@switchboard/dashboard';
import { loginThrottle, redisSessionStore, redisThrottleStore } from '@switchboard/web-auth';
import { createAppMetrics, createLoginMetrics, runService, serveMetrics } from '@switchboard/runtime';
import { dashboardAppEnv } from './config.js';

await runService(
  { name: 'dashboard', env: dashboardAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    if (!env.DASHBOARD_SECURE_COOKIE)
      logger.warn(
        'DASHBOARD_SECURE_COOKIE is off: the session cookie also travels over plain HTTP; use this only on localhost',
      );
    const board = use(
      'board queues',
      await openBoardQueues({
        redisUrl: env.REDIS_URL,
        cluster: env.REDIS_CLUSTER,
        prefix: env.QUEUE_PREFIX,
        retentionDays: env.RECORD_RETENTION_DAYS,
        logger,
      }),
      (b) => b.close(),
    );
    const metrics = createAppMetrics({ app: 'dashboard' });
    use('metrics server', await serveMetrics(metrics, env, logger), (s) => s?.close());
    const server = use(
      'http server',
      await buildDashboardServer({
        queues: board.entries,
        deadLetters: board,
        redis: board.redis,
        users: env.DASHBOARD_USERS,
        sessionSecret: env.DASHBOARD_SESSION_SECRET,
        sessionTtlMs: env.DASHBOARD_SESSION_TTL_MINUTES * 60_000,
        sessions: redisSessionStore(board.redis, `${env.QUEUE_PREFIX}:web-session:dashboard`),
        secureCookie: env.DASHBOARD_SECURE_COOKIE,
        // In Redis: every replica counts the same failed sign-ins.
        throttle: loginThrottle(redisThrottleStore(board.redis, `${env.QUEUE_PREFIX}:login-throttle:dashboard`)),
        loginMetrics: createLoginMetrics(metrics.registry),
        logger,
      }),
      (s) => s.close(),
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
  },
);
