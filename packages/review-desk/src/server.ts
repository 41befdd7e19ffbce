import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeZodError, TicketId } from '@switchboard/core';
import type { Logger } from '@switchboard/runtime';
import {
  csrfToken,
  errorPage,
  registerAssets,
  registerAuth,
  requireRole,
  type AuthOptions,
} from '@switchboard/web-auth';
import { DeskError, ResolveInput, type ReviewDesk } from './desk.js';
import { DESK_ASSETS, LIST_FRAGMENT, listFragment, listPage, notFoundPage, ticketPage, type Who } from './pages.js';

export interface ReviewServerOptions {
  desk: ReviewDesk;
  auth: Omit<AuthOptions, 'appName' | 'basePath' | 'cookieName' | 'isApi' | 'renderError'>;
  logger: Logger;
  /** Where the desk is mounted behind a proxy, e.g. `/desk`; empty for the root. */
  basePath?: string;
}

const STATUS: Record<DeskError['code'], number> = {
  not_found: 404,
  claimed_by_other: 409,
  not_claimed: 409,
  already_resolved: 409,
};
const Params = z.object({ id: TicketId });

/**
 * The review desk over HTTP: server-rendered pages for people and the same operations as a JSON
 * API under /api for other tools, both behind the shared login (role `reviewer`).
 */
export async function buildReviewServer(opts: ReviewServerOptions): Promise<FastifyInstance> {
  const { desk } = opts;
  const base = (opts.basePath ?? '').replace(/\/$/, '');
  // pino's Logger is a FastifyBaseLogger; widening it keeps the default instance type the auth plugin takes.
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const appName = 'Switchboard review desk';
  await registerAuth(app, {
    ...opts.auth,
    appName,
    basePath: base,
    // Not the dashboard's: both may run on one host, and one name would have each sign the other out.
    cookieName: 'sb_desk_session',
    // The list fragment is what the open list page fetches in the background: like the API, a lapsed
    // session gets a JSON 401 (desk.js then shows "session expired"), not a login page swapped into the list.
    isApi: (path) => path.startsWith(`${base}/api/`) || path === `${base}${LIST_FRAGMENT}`,
    renderError: (_req, view) => errorPage({ base, appName, ...view, links: [[`${base}/`, '← all waiting tickets']] }),
  });
  const reviewer = requireRole(['reviewer']);
  const user = (req: { user: { username: string } | null }): string => req.user?.username ?? '';
  const who = (req: { user: { username: string } | null }, reply: FastifyReply): Who => ({
    name: user(req),
    csrf: csrfToken(reply),
  });

  // desk.css and desk.js: files, served the way web-auth serves its own (the CSP allows no inline script or style).
  await registerAssets(app, {
    path: `${base}${DESK_ASSETS}`,
    dir: new URL('./assets/', import.meta.url),
    files: ['desk.css', 'desk.js'],
  });

  const apiError = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof DeskError) return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
    throw err;
  };
  const idOf = (params: unknown): string | null => {
    const p = Params.safeParse(params);
    return p.success ? p.data.id : null;
  };

  app.get(`${base}/healthz`, () => ({ ok: true }));

  // Pages.
  app.get(`${base}/`, { preHandler: reviewer }, async (req, reply) => {
    const [listed, accuracy] = await Promise.all([desk.list(), desk.accuracy()]);
    const q = req.query as Record<string, unknown>;
    const flash =
      typeof q.resolved === 'string'
        ? `Ticket ${q.resolved} resolved and delivered.`
        : typeof q.released === 'string'
          ? `Ticket ${q.released} handed back.`
          : q.none === '1'
            ? 'Nothing to claim: every waiting ticket is held by someone.'
            : undefined;
    const resolvedId = typeof q.resolved === 'string' ? q.resolved : undefined;
    return reply.type('text/html').send(listPage(base, who(req, reply), listed, accuracy, flash, resolvedId));
  });
  // The list alone, for the page's script to swap in: a new ticket shows within seconds, no reload.
  app.get(`${base}${LIST_FRAGMENT}`, { preHandler: reviewer }, async (_req, reply) =>
    reply.type('text/html').send(listFragment(base, await desk.list())),
  );
  // A form's address reloaded (or returned to after a sign-in) is no claim: back to the list.
  app.get(`${base}/claim-next`, async (_req, reply) => reply.redirect(`${base}/`, 303));
  app.post(`${base}/claim-next`, { preHandler: reviewer }, async (req, reply) => {
    const next = await desk.claimNext(user(req));
    return reply.redirect(next ? `${base}/tickets/${encodeURIComponent(next.ticketId)}` : `${base}/?none=1`, 303);
  });

  app.get(`${base}/tickets/:id`, { preHandler: reviewer }, async (req, reply) => {
    const id = idOf(req.params);
    if (!id)
      return reply
        .code(400)
        .type('text/html')
        .send(notFoundPage(base, who(req, reply), String((req.params as Record<string, unknown>).id)));
    try {
      const item = await desk.item(id);
      return reply
        .type('text/html')
        .send(ticketPage(base, who(req, reply), item, desk.routing, desk.config, undefined, desk.suggestionFor(item)));
    } catch (err) {
      if (err instanceof DeskError && err.code === 'not_found')
        return reply
          .code(404)
          .type('text/html')
          .send(notFoundPage(base, who(req, reply), id, await desk.resolutionOf(id)));
      throw err;
    }
  });

  // The actions are forms that POST; a GET there (a sign-in that came back to one, a reload of the
  // address bar) goes to the ticket's page, where the action can be done, not to a raw 404.
  for (const action of ['claim', 'release', 'resolve'])
    app.get(`${base}/tickets/:id/${action}`, async (req, reply) => {
      const id = idOf(req.params);
      return reply.redirect(id ? `${base}/tickets/${encodeURIComponent(id)}` : `${base}/`, 303);
    });

  const pageAction = (path: string, act: (id: string, who: string, body: unknown) => Promise<string>): void => {
    app.post(`${base}/tickets/:id/${path}`, { preHandler: reviewer }, async (req, reply) => {
      const id = idOf(req.params);
      if (!id)
        return reply
          .code(400)
          .type('text/html')
          .send(notFoundPage(base, who(req, reply), String((req.params as Record<string, unknown>).id)));
      try {
        return reply.redirect(await act(id, user(req), req.body), 303);
      } catch (err) {
        if (!(err instanceof DeskError)) throw err;
        // Resolved meanwhile (Back and Resolve again, or a colleague): say by whom and when, whatever
        // the desk objected first (the claim went with the resolution). Never a bare `desk.item()`
        // here: for a ticket that no longer waits it throws again.
        const resolution = await desk.resolutionOf(id);
        const item = resolution ? null : await desk.item(id).catch(() => null);
        if (!item)
          return reply
            .code(resolution ? 409 : 404)
            .type('text/html')
            .send(notFoundPage(base, who(req, reply), id, resolution));
        return reply
          .code(STATUS[err.code])
          .type('text/html')
          .send(
            ticketPage(base, who(req, reply), item, desk.routing, desk.config, err.message, desk.suggestionFor(item)),
          );
      }
    });
  };
  pageAction('claim', async (id, who) => {
    await desk.claim(id, who);
    return `${base}/tickets/${encodeURIComponent(id)}`;
  });
  pageAction('release', async (id, who) => {
    await desk.release(id, who);
    return `${base}/?released=${encodeURIComponent(id)}`;
  });
  pageAction('resolve', async (id, who, body) => {
    // The form's CSRF field was checked before this handler; it is no part of the resolution.
    const { _csrf: _token, ...raw } = (body ?? {}) as Record<string, unknown>;
    const input = ResolveInput.safeParse({
      ...raw,
      note: typeof raw.note === 'string' && raw.note.trim() ? raw.note : undefined,
    });
    if (!input.success) throw new DeskError('not_claimed', `the form is not valid: ${describeZodError(input.error)}`);
    await desk.resolve(id, who, input.data);
    return `${base}/?resolved=${encodeURIComponent(id)}`;
  });

  // JSON API: the same operations for other tools (HTTP Basic or the session cookie).
  app.get(`${base}/api/queue`, { preHandler: reviewer }, async () => {
    const { items, unreadable, total } = await desk.list();
    return {
      total,
      unreadable,
      items: items.map((it) => ({
        ticketId: it.ticketId,
        priority: it.priority,
        waitingMs: it.waitingMs,
        slaBreached: it.slaBreached,
        claim: it.claim,
        ticket: it.routed.ticket,
        suggestion: it.routed.record.decision,
        customer: it.routed.ticket.customer ?? null,
        tier: it.routed.record.tier,
        reasons: it.routed.route.reasons,
      })),
    };
  });
  app.get(`${base}/api/tickets/:id`, { preHandler: reviewer }, async (req, reply) => {
    const id = idOf(req.params);
    if (!id) return reply.code(400).send({ error: 'bad_request', message: 'invalid ticket id' });
    try {
      return await desk.item(id);
    } catch (err) {
      return apiError(reply, err);
    }
  });
  const apiAction = (path: string, act: (id: string, who: string, body: unknown) => Promise<unknown>): void => {
    app.post(`${base}/api/tickets/:id/${path}`, { preHandler: reviewer }, async (req, reply) => {
      const id = idOf(req.params);
      if (!id) return reply.code(400).send({ error: 'bad_request', message: 'invalid ticket id' });
      try {
        return (await act(id, user(req), req.body)) ?? { ok: true };
      } catch (err) {
        if (err instanceof z.ZodError)
          return reply.code(400).send({ error: 'bad_request', message: describeZodError(err) });
        return apiError(reply, err);
      }
    });
  };
  app.post(`${base}/api/claim-next`, { preHandler: reviewer }, async (req, reply) => {
    const next = await desk.claimNext(user(req));
    return next ?? reply.code(404).send({ error: 'nothing_to_claim', message: 'every waiting ticket is held' });
  });
  apiAction('claim', (id, who) => desk.claim(id, who));
  apiAction('renew', (id, who) => desk.renew(id, who));
  apiAction('release', (id, who) => desk.release(id, who));
  apiAction('resolve', (id, who, body) => desk.resolve(id, who, ResolveInput.parse(body ?? {})));
  app.get(`${base}/api/accuracy`, { preHandler: reviewer }, async () => desk.accuracy());
  app.get(`${base}/api/candidates`, { preHandler: reviewer }, async (req, reply) => {
    const limit = Math.min(10_000, Math.max(1, Number((req.query as Record<string, unknown>).limit ?? 1000) || 1000));
    const lines = await desk.candidates(limit);
    return reply
      .type('application/x-ndjson')
      .header('content-disposition', 'attachment; filename="review-candidates.jsonl"')
      .send(lines.map((l) => `${l}\n`).join(''));
  });
  return app;
}
