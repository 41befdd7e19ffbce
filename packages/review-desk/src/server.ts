import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeZodError, TicketId } from '@switchboard/core';
import type { Logger } from '@switchboard/runtime';
import { registerAuth, requireRole, type AuthOptions } from '@switchboard/web-auth';
import { DeskError, ResolveInput, type ReviewDesk } from './desk.js';
import { listFragment, listPage, notFoundPage, ticketPage } from './pages.js';
import { readFileSync } from 'node:fs';

/** The desk's script and stylesheet: files, never inline, so a strict CSP can forbid inline script. */
const STATIC: Record<string, { type: string; body: string }> = {
  'desk.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../static/desk.js', import.meta.url), 'utf8'),
  },
  'desk.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('../static/desk.css', import.meta.url), 'utf8'),
  },
};
const StaticName = z.object({ name: z.enum(Object.keys(STATIC) as [string, ...string[]]) });

export interface ReviewServerOptions {
  desk: ReviewDesk;
  auth: Omit<AuthOptions, 'appName' | 'basePath'>;
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
  await registerAuth(app, { ...opts.auth, appName: 'Switchboard review desk', basePath: base });
  const reviewer = requireRole(['reviewer'], base);
  const user = (req: { user: { username: string } | null }): string => req.user?.username ?? '';

  const apiError = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof DeskError) return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
    throw err;
  };
  const idOf = (params: unknown): string | null => {
    const p = Params.safeParse(params);
    return p.success ? p.data.id : null;
  };

  app.get(`${base}/healthz`, () => ({ ok: true }));
  app.get(`${base}/static/:name`, async (req, reply) => {
    const p = StaticName.safeParse(req.params);
    const file = p.success ? STATIC[p.data.name] : undefined;
    if (!file) return reply.code(404).type('text/plain').send('not found');
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });

  // Pages.
  app.get(`${base}/`, { preHandler: reviewer }, async (req, reply) => {
    const [listed, accuracy] = await Promise.all([desk.list(), desk.accuracy()]);
    const q = req.query as Record<string, unknown>;
    const flash =
      typeof q.resolved === 'string'
        ? `Ticket ${q.resolved} resolved and delivered.`
        : typeof q.released === 'string'
          ? `Ticket ${q.released} handed back.`
          : undefined;
    return reply.type('text/html').send(listPage(base, user(req), listed, accuracy, flash));
  });
  // The list alone, for the page's script to swap in: a new ticket shows within seconds, no reload.
  app.get(`${base}/list-fragment`, { preHandler: reviewer }, async (_req, reply) =>
    reply.type('text/html').send(listFragment(base, await desk.list())),
  );
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
        .send(notFoundPage(base, user(req), String((req.params as Record<string, unknown>).id)));
    try {
      const item = await desk.item(id);
      return reply
        .type('text/html')
        .send(ticketPage(base, user(req), item, desk.routing, desk.config, undefined, desk.suggestionFor(item)));
    } catch (err) {
      if (err instanceof DeskError && err.code === 'not_found')
        return reply
          .code(404)
          .type('text/html')
          .send(notFoundPage(base, user(req), id));
      throw err;
    }
  });

  const pageAction = (path: string, act: (id: string, who: string, body: unknown) => Promise<string>): void => {
    app.post(`${base}/tickets/:id/${path}`, { preHandler: reviewer }, async (req, reply) => {
      const id = idOf(req.params);
      if (!id) return reply.code(400).send({ error: 'bad_request', message: 'invalid ticket id' });
      try {
        return reply.redirect(await act(id, user(req), req.body), 303);
      } catch (err) {
        if (!(err instanceof DeskError)) throw err;
        if (err.code === 'not_found' || err.code === 'already_resolved')
          return reply
            .code(STATUS[err.code])
            .type('text/html')
            .send(notFoundPage(base, user(req), id));
        return reply
          .code(STATUS[err.code])
          .type('text/html')
          .send(
            await desk
              .item(id)
              .then((item) =>
                ticketPage(base, user(req), item, desk.routing, desk.config, err.message, desk.suggestionFor(item)),
              ),
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
    const raw = (body ?? {}) as Record<string, unknown>;
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
