import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { BoardHooks } from '@bull-board/api/typings/app';
import type { FastifyInstance } from 'fastify';
import { requireRole, type Role } from '@switchboard/web-auth';
import { flowRank, type BoardQueue } from './board-queues.js';
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
  /** The fleet's queues with their catalog entries, in flow order. */
  queues: readonly BoardQueue[];
  title: string;
  /** Extra links in the board's menu (the dead-letter replay page for operators). */
  links?: readonly { text: string; url: string }[];
}

/** The review desk owns these: deleting or retrying a job here would take a ticket off the desk without a word. */
export const DESK_OWNED_QUEUES: ReadonlySet<string> = new Set(['human-review']);

const QUEUES_ROUTE = '/api/queues';

/** Where the dashboard serves its own files (`registerAssets`): the CSP allows no inline script or style. */
export const DASHBOARD_ASSETS = '/assets';
/** The dashboard's files: the script naming Bull Board's icon buttons and the dead-letter page's stylesheet. */
export const DASHBOARD_ASSET_FILES = ['board-a11y.js', 'dead-letter.css'] as const;
/** Names Bull Board's icon-only buttons; a file, so the board page needs no inline script. */
const A11Y_TAG = `<script src="${DASHBOARD_ASSETS}/board-a11y.js" defer></script>`;

/**
 * The card title: the queue's step in the flow, then its name. Bull Board's overview sorts cards
 * by this name, so the step number is what puts `tickets` first and `alerts` last.
 */
export const boardName = (queueName: string): string => `${flowRank(queueName) + 1} · ${queueName}`;

/**
 * Bull Board raises "No workers" on any queue without a worker connection. For queues consumed
 * outside the fleet (people, a team's tools) that is no alarm, so the listing reports their workers
 * as unknown (no badge) and the card's description says who consumes them instead.
 */
function outsideFleetHook(outside: ReadonlySet<string>): NonNullable<BoardHooks['after']> {
  return (context, result) => {
    if (context.route !== QUEUES_ROUTE || typeof result.body !== 'object' || result.body === null) return result;
    const body = result.body as { queues?: { name: string; hasWorkers?: boolean | null }[] };
    if (!Array.isArray(body.queues)) return result;
    return {
      ...result,
      body: { ...body, queues: body.queues.map((q) => (outside.has(q.name) ? { ...q, hasWorkers: null } : q)) },
    };
  };
}

/** A second lock on the desk's queue besides `readOnlyMode`: no Bull Board action reaches it. */
const deskOwnedGuard: NonNullable<BoardHooks['before']> = (context) => {
  const queueName = (context.request.params as Record<string, unknown>).queueName;
  if (context.method !== 'get' && typeof queueName === 'string' && DESK_OWNED_QUEUES.has(queueName))
    return { allow: false, status: 405, message: 'human-review belongs to the review desk: act on it there' };
  return undefined;
};

const chain =
  (...hooks: NonNullable<BoardHooks['after']>[]): NonNullable<BoardHooks['after']> =>
  async (context, result) => {
    let out = result;
    for (const h of hooks) out = await h(context, out);
    return out;
  };

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * One Bull Board instance over `queues`, behind the login. A read-only board is closed three ways,
 * so no single Bull Board switch is trusted alone: its adapters are `readOnlyMode` (the UI shows no
 * actions and Bull Board changes none of those queues), this scope answers 405 to anything but GET/HEAD before Bull
 * Board sees the request, and every API response is redacted (formatters plus `viewerHooks`).
 */
export async function mountBoard(app: FastifyInstance, mount: BoardMount): Promise<void> {
  const readOnly = mount.access === 'view';
  const outside = new Set(mount.queues.filter((e) => e.def.doc.outsideFleet).map((e) => e.def.queueName));
  const adapters = mount.queues.map(({ queue, def }) => {
    const deskOwned = DESK_OWNED_QUEUES.has(def.queueName);
    const lockedHere = readOnly || deskOwned;
    const notes = [
      def.doc.outsideFleet ? `No fleet worker consumes this queue: ${def.doc.outsideFleet}.` : '',
      deskOwned ? 'Read-only here: the review desk owns it.' : '',
      def.queueName === 'dead-letter' && !readOnly ? 'Replay from the “Dead-letter replay” page.' : '',
      // Escalation runs a write-back worker only for a connector whose REST settings are set; off, nothing
      // is queued here either, so "No workers" on an empty card is a connector that is not in use.
      def.queueName.endsWith('-writeback')
        ? 'Consumed by escalation when this connector’s write-back is configured (its REST URL and token).'
        : '',
    ].filter(Boolean);
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode: lockedHere,
      allowRetries: !lockedHere,
      displayName: boardName(def.queueName),
      description: notes.join(' '),
    });
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
        miscLinks: [...(mount.links ?? []), { text: 'Sign out', url: '/logout' }],
        ...(readOnly ? { environment: { label: 'read-only', color: '#475467', textColor: '#ffffff' } } : {}),
      },
      handlerHooks: {
        before: deskOwnedGuard,
        after: readOnly
          ? chain(outsideFleetHook(outside), viewerHooks.after ?? ((_c, r) => r))
          : outsideFleetHook(outside),
      },
    },
  });

  const watcher = app.webAuth.sessionWatcherTag();
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireRole(mount.roles));
    scope.addHook('onSend', async (_req, reply, payload) => {
      // Bull Board's bundled UI (not ours to edit) sets inline styles: its pages alone may apply them.
      // Scripts stay 'self' only, as on every other page.
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string')
        reply.header('content-security-policy', csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
        return payload;
      // Bull Board's page is its own template; our two scripts (files) go in as it leaves. The session
      // watcher: the page polls its API, and when the session ends those calls get a 401 the board shows
      // no sign of; the watcher says so and offers a sign-in back here. The a11y script names its icon buttons.
      return payload.replace('</head>', `${A11Y_TAG}</head>`).replace('</body>', `${watcher}</body>`);
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
