import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { RedisClient as Redis } from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';
import { registerAuth, requireRole, type SessionStore, type WebUser } from '@switchboard/web-auth';
import type { BoardQueue } from './board-queues.js';
import { DEAD_LETTER_PATH, registerDeadLetterPage, type DeadLetterOps } from './dead-letter-page.js';
import { BOARD_A11Y_PATH, BOARD_A11Y_SCRIPT, mountBoard } from './mount-board.js';
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

  app.addHook('onSend', async (_req, reply) => {
    // An operator console must not be framed by another site (clickjacking on its retry buttons).
    reply
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin');
  });

  await registerAuth(app, {
    appName: 'Switchboard dashboard',
    users: opts.users,
    secret: opts.sessionSecret,
    sessionTtlMs: opts.sessionTtlMs,
    sessions: opts.sessions,
    secureCookie: opts.secureCookie,
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
  app.get(BOARD_A11Y_PATH, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(BOARD_A11Y_SCRIPT),
  );
  app.get('/logout', async (_req, reply) => reply.type('text/html').send(signOutPage()));

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
