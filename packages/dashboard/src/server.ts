import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { RedisClient as Redis } from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';
import {
  csrfToken,
  errorPage,
  registerAssets,
  registerAuth,
  requireRole,
  type LoginMetrics,
  type LoginThrottle,
  type SessionStore,
  type WebUser,
} from '@switchboard/web-auth';
import type { BoardQueue } from './board-queues.js';
import { DEAD_LETTER_PATH, registerDeadLetterPage, type DeadLetterOps } from './dead-letter-page.js';
import { DASHBOARD_ASSET_FILES, DASHBOARD_ASSETS, mountBoard } from './mount-board.js';
import { signOutPage } from './sign-out-page.js';

/** Operators act on jobs here. */
export const OPERATOR_BOARD_PATH = '/board';
/** Viewers (and operators) watch here: read-only, job data redacted. */
export const VIEWER_BOARD_PATH = '/view';

export interface DashboardOptions {
  /** Every queue of the fleet with its catalog entry, in flow order: `openBoardQueues(...).entries`. */
  queues: readonly BoardQueue[];
  /** The dead-letter list and replay (`openBoardQueues`); absent, the board offers no replay page. */
  deadLetters?: DeadLetterOps;
  /** For /readyz. */
  redis: Redis;
  users: readonly WebUser[];
  /** Signs the session cookie; at least 32 characters. */
  sessionSecret: string;
  sessionTtlMs: number;
  /** Server-side sessions (`redisSessionStore`), so signing out ends a session everywhere. */
  sessions: SessionStore;
  /** Send the cookie only over HTTPS; off only for local development. */
  secureCookie: boolean;
  logger: Logger;
  /** Failed sign-ins per user and per address (`loginThrottle(redisThrottleStore(...))`); in memory if absent. */
  throttle?: LoginThrottle;
  loginMetrics?: LoginMetrics;
  /** How often an open board asks whether its session still holds (default 30 s). */
  sessionCheckMs?: number;
  /** Longer than this, /readyz says Redis is not reachable. */
  redisTimeoutMs?: number;
}

/**
 * Bull Board over the fleet's queues behind the shared web login: `/board` for operators (every
 * action), `/view` for viewers (read-only, ticket text redacted), `/` sends each to theirs.
 */
export async function buildDashboardServer(opts: DashboardOptions) {
  // Typed as Fastify's own logger so the instance fits the web login's (and any plugin's) signature.
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance,
    // The board polls every few seconds per open tab; sign-ins and operator actions are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  const appName = 'Switchboard dashboard';
  // Headers (CSP, no framing of the retry buttons, nosniff, ...), CSRF and error pages come with the login.
  await registerAuth(app, {
    appName,
    users: opts.users,
    secret: opts.sessionSecret,
    sessionTtlMs: opts.sessionTtlMs,
    sessions: opts.sessions,
    secureCookie: opts.secureCookie,
    // Not the review desk's: both may run on one host, and one name would have each sign the other out.
    cookieName: 'sb_board_session',
    // Bull Board's JSON API, which its page calls and tools may call with HTTP Basic.
    isApi: (path) => path.startsWith(`${OPERATOR_BOARD_PATH}/api/`) || path.startsWith(`${VIEWER_BOARD_PATH}/api/`),
    renderError: (req, view) =>
      errorPage({
        base: '',
        appName,
        ...view,
        links: req.user
          ? [
              [`${VIEWER_BOARD_PATH}/`, 'The read-only board'],
              ...(req.user.roles.includes('operator')
                ? [[`${OPERATOR_BOARD_PATH}/`, 'The operator board'] as const]
                : []),
            ]
          : [['/login', 'Sign in']],
      }),
    ...(opts.throttle ? { throttle: opts.throttle } : {}),
    ...(opts.loginMetrics ? { metrics: opts.loginMetrics } : {}),
    ...(opts.sessionCheckMs ? { sessionCheckMs: opts.sessionCheckMs } : {}),
  });

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const timeoutMs = opts.redisTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        opts.redis.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ error: 'not_ready', message: 'Redis is not reachable' });
    } finally {
      clearTimeout(timer);
    }
  });

  app.get('/', { preHandler: requireRole(['operator', 'viewer']) }, async (req, reply) =>
    reply.redirect(`${req.user?.roles.includes('operator') ? OPERATOR_BOARD_PATH : VIEWER_BOARD_PATH}/`, 303),
  );
  await registerAssets(app, {
    path: DASHBOARD_ASSETS,
    dir: new URL('./assets/', import.meta.url),
    files: DASHBOARD_ASSET_FILES,
  });
  app.get('/logout', async (_req, reply) => reply.type('text/html').send(signOutPage(csrfToken(reply))));

  await mountBoard(app, {
    basePath: OPERATOR_BOARD_PATH,
    access: 'operate',
    roles: ['operator'],
    queues: opts.queues,
    title: 'Switchboard',
    links: opts.deadLetters ? [{ text: 'Dead-letter replay', url: DEAD_LETTER_PATH }] : [],
  });
  if (opts.deadLetters) registerDeadLetterPage(app, opts.deadLetters);
  await mountBoard(app, {
    basePath: VIEWER_BOARD_PATH,
    access: 'view',
    roles: ['viewer', 'operator'],
    queues: opts.queues,
    title: 'Switchboard',
  });
  return app;
}

export type DashboardServer = Awaited<ReturnType<typeof buildDashboardServer>>;
