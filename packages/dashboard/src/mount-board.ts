import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { requireRole, type Role } from '@switchboard/web-auth';
import { redactForViewer } from './redact.js';
import { viewerHooks } from './viewer-hooks.js';

/** `operate`: every Bull Board action (retry, promote, clean, add, ...); `view`: read-only and redacted. */
export type BoardAccess = 'operate' | 'view';

export interface BoardMount {
  /** Where the board lives, e.g. `/board`; its pages, assets and JSON API all sit under it. */
  basePath: string;
  access: BoardAccess;
  /** Who may open it; everyone else gets the login page, 401 or 403. */
  roles: readonly Role[];
  queues: readonly Queue[];
  title: string;
}

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * One Bull Board instance over `queues`, behind the login. A read-only board is closed three ways,
 * so no single Bull Board switch is trusted alone: its adapters are `readOnlyMode` (the UI shows no
 * actions and Bull Board changes none of those queues), this scope answers 405 to anything but GET/HEAD before Bull
 * Board sees the request, and every API response is redacted (formatters plus `viewerHooks`).
 */
export async function mountBoard(app: FastifyInstance, mount: BoardMount): Promise<void> {
  const readOnly = mount.access === 'view';
  const adapters = mount.queues.map((queue) => {
    const adapter = new BullMQAdapter(queue, { readOnlyMode: readOnly, allowRetries: !readOnly });
    if (readOnly) {
      adapter.setFormatter('data', redactForViewer);
      adapter.setFormatter('returnValue', redactForViewer);
      adapter.setFormatter('progress', redactForViewer);
    }
    return adapter;
  });
  const serverAdapter = new FastifyAdapter().setBasePath(mount.basePath);
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: mount.title,
        miscLinks: [{ text: 'Sign out', url: '/logout' }],
        ...(readOnly ? { environment: { label: 'read-only', color: '#475467', textColor: '#ffffff' } } : {}),
      },
      ...(readOnly ? { handlerHooks: viewerHooks } : {}),
    },
  });

  const watcher = app.webAuth.sessionWatcherTag();
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireRole(mount.roles));
    // Bull Board's page polls its API; when the session ends those calls get a 401 the board shows no
    // sign of. The session watcher (a script file of the login's) says so and offers a sign-in back here.
    scope.addHook('onSend', async (_req, reply, payload) => {
      // Bull Board's bundled UI (not ours to edit) sets inline styles: its pages alone may apply them.
      // Scripts stay 'self' only, as on every other page.
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string')
        reply.header('content-security-policy', csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
        return payload;
      return payload.replace('</body>', `${watcher}</body>`);
    });
    // Bull Board's own error handler answers 500 without logging; on-call needs to see why.
    scope.addHook('onError', async (req, _reply, err) => {
      req.log.error({ err, method: req.method, url: req.url }, 'board request failed');
    });
    if (readOnly) {
      scope.addHook('preHandler', async (req, reply) => {
        if (!READ_METHODS.has(req.method))
          return reply
            .code(405)
            .header('allow', 'GET, HEAD')
            .send({ error: 'read_only', message: 'this board is read-only' });
      });
    } else {
      // Who retried, promoted or removed what: the audit trail of an on-call console.
      scope.addHook('onResponse', async (req, reply) => {
        if (!READ_METHODS.has(req.method))
          req.log.info(
            { username: req.user?.username, method: req.method, url: req.url, statusCode: reply.statusCode },
            'board action',
          );
      });
    }
    await scope.register(serverAdapter.registerPlugin(), { prefix: mount.basePath });
  });
}
