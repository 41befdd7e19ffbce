import Fastify, { LogController, type FastifyError, type FastifyReply } from 'fastify';
import type { RedisClient as Redis } from '@switchboard/queues';
import { inConnectorNamespace, TICKET_ID_PATTERN } from '@switchboard/core';
import type { AppMetrics, Logger } from '@switchboard/runtime';
import type { TicketStore } from '@switchboard/queues';
import { acceptTickets, validateTicket, type TicketProducer } from './accept.js';
import { createKeyChecker } from './auth.js';
import { CONNECTOR_ROUTES, registerConnectorRoutes, type ConnectorOptions } from './connector-routes.js';
import { pilotReportFor, recordFeedback, type FeedbackSink, type PilotOptions } from './feedback.js';
import { requireUpstreamSignature, type SignatureOptions } from './upstream-signature.js';

export const MAX_BATCH = 500;

const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);
const METRICS_ROUTE = '/metrics';

export interface IngestOptions {
  apiKeys: readonly string[];
  tickets: TicketProducer;
  store: TicketStore;
  redis: Redis;
  logger: Logger;
  /** Redis calls that take longer than this answer 503 rather than keep the caller waiting. */
  redisTimeoutMs: number;
  /** This process's metrics: tickets and requests are counted, and GET /metrics serves them. */
  metrics?: AppMetrics;
  /**
   * Scrapes come from inside the network, so GET /metrics needs no API key; with this set it needs
   * `Authorization: Bearer <token>`, for a port the internet can reach. API keys never open it.
   */
  metricsToken?: string | undefined;
  /** Feedback from upstream and the pilot report; absent, those routes answer 404. */
  pilot?: PilotOptions;
  /** When set, every POST must also carry a valid upstream (Zendesk-style) signature. */
  signature?: SignatureOptions;
  /** The helpdesk webhooks (Zendesk, Zammad); a connector absent here has no route. */
  connectors?: ConnectorOptions;
}

class StorageUnavailable extends Error {
  override name = 'StorageUnavailable';
}

/**
 * Errors that mean Redis could not be reached or refused the write (down, closed, over memory):
 * the caller may retry. Anything else is our bug and must not be dressed up as "retry later".
 */
function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)
  )
    return true;
  return /Stream isn't writeable|Connection is closed|enableOfflineQueue|max retries per request|Command timed out|OOM command not allowed|LOADING|READONLY|MISCONF/i.test(
    err.message,
  );
}

/** Rejects if `p` has not settled within `ms`: a Redis that hangs must not hang the HTTP caller. */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StorageUnavailable(`storage did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } catch (err) {
    if (err instanceof StorageUnavailable || !isConnectionError(err)) throw err;
    throw new StorageUnavailable(err instanceof Error ? err.message : String(err), { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

const sendError = (reply: FastifyReply, status: number, error: string, message: string): FastifyReply =>
  reply.code(status).send({ error, message });

export function buildIngestServer(opts: IngestOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    // One log line per request would drown the logs at burst rates; errors are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    // Single tickets hold at most 32 KiB of body; JSON escaping can double that. Batches get their own limit.
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });
  if (opts.signature) requireUpstreamSignature(app, opts.signature);
  const authorized = createKeyChecker(opts.apiKeys);
  const scrapeAuthorized = opts.metricsToken ? createKeyChecker([opts.metricsToken]) : () => true;
  const now = (): Date => new Date();
  const pipeline = opts.metrics?.pipeline;

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof StorageUnavailable) {
      opts.logger.error({ err }, 'storage unavailable');
      return sendError(
        reply,
        503,
        'storage_unavailable',
        'ticket storage did not confirm the write; retry with the same id (retries never create a second ticket)',
      );
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'payload_too_large', err.message);
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(reply, 415, 'unsupported_media_type', 'send JSON with content-type: application/json');
    if (
      err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      err instanceof SyntaxError
    ) {
      return sendError(reply, 400, 'invalid_json', `request body is not valid JSON: ${err.message}`);
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, err.statusCode, 'bad_request', err.message);
    }
    opts.logger.error({ err }, 'unhandled error');
    return sendError(reply, 500, 'internal_error', 'internal error');
  });

  // Decided on the matched route, not the raw URL: the router decodes percent-escapes, so a raw-URL
  // prefix check let `/%761/tickets` reach the handler unauthenticated. Anything not public needs a key.
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return;
    // The helpdesks sign their webhooks; the route checks that signature itself.
    if (route !== undefined && CONNECTOR_ROUTES.has(route)) return;
    if (route === METRICS_ROUTE && opts.metrics) {
      if (!scrapeAuthorized(req.headers.authorization))
        await sendError(
          reply.header('www-authenticate', 'Bearer'),
          401,
          'unauthorized',
          'missing or invalid metrics token',
        );
      return;
    }
    if (!authorized(req.headers.authorization)) {
      await sendError(
        reply.header('www-authenticate', 'Bearer'),
        401,
        'unauthorized',
        'missing or invalid API key (Authorization: Bearer <key>)',
      );
    }
  });

  if (pipeline) {
    // The matched route pattern, never the raw URL, so ticket ids in paths do not become label values.
    app.addHook('onResponse', async (req, reply) =>
      pipeline.httpRequest(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode),
    );
  }
  const metrics = opts.metrics;
  if (metrics) {
    app.get(METRICS_ROUTE, async (_req, reply) => {
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).send(body);
    });
  }

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await within(opts.redis.ping(), opts.redisTimeoutMs);
      return { status: 'ready' };
    } catch {
      return sendError(reply, 503, 'not_ready', 'Redis is not reachable');
    }
  });

  const reserved = (raw: unknown): string | undefined => {
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    return typeof id === 'string' && inConnectorNamespace(id)
      ? `id: "${id}" is in a connector's namespace (zendesk-…, zammad-…); those tickets come in through /v1/connectors`
      : undefined;
  };

  app.post('/v1/tickets', async (req, reply) => {
    // A connector ticket is written back to its helpdesk: only the connector's signed route may make one.
    const taken = reserved(req.body);
    if (taken) {
      pipeline?.ticketsIngested('rejected');
      return sendError(reply, 400, 'invalid_ticket', taken);
    }
    const v = validateTicket(req.body);
    if (!v.ok) {
      pipeline?.ticketsIngested('rejected');
      return sendError(reply, v.code === 'too_large' ? 413 : 400, v.code, v.message);
    }
    const [result] = await within(
      acceptTickets([v.input], { tickets: opts.tickets, store: opts.store, now }),
      opts.redisTimeoutMs,
    );
    if (!result) throw new Error('accept returned no result');
    pipeline?.ticketsIngested(result.duplicate ? 'duplicate' : 'accepted');
    return reply
      .code(result.duplicate ? 200 : 202)
      .send({ ticketId: result.ticketId, status: result.status, duplicate: result.duplicate });
  });

  app.post('/v1/tickets/batch', { bodyLimit: MAX_BATCH * 80 * 1024 }, async (req, reply) => {
    const raw = req.body as { tickets?: unknown } | null;
    if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.tickets)) {
      return sendError(reply, 400, 'invalid_batch', 'tickets: expected an array of tickets');
    }
    if (raw.tickets.length === 0)
      return sendError(reply, 400, 'invalid_batch', 'tickets: must hold at least one ticket');
    if (raw.tickets.length > MAX_BATCH) {
      return sendError(
        reply,
        413,
        'payload_too_large',
        `tickets: at most ${MAX_BATCH} tickets per batch (got ${raw.tickets.length})`,
      );
    }
    const checked = raw.tickets.map((t, i) => {
      const taken = reserved(t);
      return taken
        ? { ok: false as const, code: 'invalid_ticket' as const, message: `tickets.${i}.${taken}`, ticketId: undefined }
        : validateTicket(t, `tickets.${i}`);
    });
    const valid = checked.flatMap((c) => (c.ok ? [c.input] : []));
    const accepted = await within(
      acceptTickets(valid, { tickets: opts.tickets, store: opts.store, now }),
      opts.redisTimeoutMs,
    );
    let next = 0;
    const results = checked.map((c, index) => {
      if (!c.ok) return { index, ticketId: c.ticketId, accepted: false, error: c.code, message: c.message };
      const r = accepted[next++];
      return {
        index,
        ticketId: r?.ticketId,
        accepted: !r?.duplicate,
        duplicate: r?.duplicate ?? false,
        status: r?.status,
      };
    });
    const counts = {
      accepted: results.filter((r) => r.accepted).length,
      duplicates: results.filter((r) => 'duplicate' in r && r.duplicate).length,
      rejected: results.filter((r) => 'error' in r).length,
    };
    pipeline?.ticketsIngested('accepted', counts.accepted);
    pipeline?.ticketsIngested('duplicate', counts.duplicates);
    pipeline?.ticketsIngested('rejected', counts.rejected);
    return reply.code(200).send({ ...counts, results });
  });

  app.get<{ Params: { id: string } }>('/v1/tickets/:id', async (req, reply) => {
    if (!TICKET_ID_PATTERN.test(req.params.id))
      return sendError(reply, 400, 'invalid_id', 'id: must be 1..128 characters of letters, digits, "-", "_" or "."');
    const view = await within(opts.store.get(req.params.id), opts.redisTimeoutMs);
    if (!view) return sendError(reply, 404, 'not_found', `no ticket with id ${req.params.id}`);
    return view;
  });

  const pilot = opts.pilot;
  // The one path feedback takes, whether an API client or a helpdesk webhook sends it.
  const feedbackSink: FeedbackSink | undefined = pilot
    ? (pilot.feedback ?? (async (id, fb) => (await pilot.ledger.setFeedback(id, fb)) !== null))
    : undefined;
  if (opts.connectors) {
    registerConnectorRoutes(app, opts.connectors, {
      tickets: opts.tickets,
      store: opts.store,
      feedback: feedbackSink,
      logger: opts.logger,
      now,
      within: (p) => within(p, opts.redisTimeoutMs),
      bearerOk: authorized,
    });
  }

  if (pilot && feedbackSink) {
    app.post<{ Params: { id: string } }>('/v1/tickets/:id/feedback', async (req, reply) => {
      if (!TICKET_ID_PATTERN.test(req.params.id))
        return sendError(reply, 400, 'invalid_id', 'id: must be 1..128 characters of letters, digits, "-", "_" or "."');
      const r = await within(
        recordFeedback(feedbackSink, req.params.id, req.body, now(), pilot.routing),
        opts.redisTimeoutMs,
      );
      if (!r.ok) return sendError(reply, r.status, r.error, r.message);
      return { ticketId: req.params.id, feedback: r.feedback };
    });
    app.get<{ Querystring: { days?: string } }>('/v1/pilot/report', async (req, reply) => {
      const days = req.query.days === undefined ? 7 : Number(req.query.days);
      if (!(days > 0 && days <= 90))
        return sendError(reply, 400, 'invalid_days', 'days: must be a number of days between 1 and 90');
      return within(pilotReportFor(pilot, days, now()), 30_000);
    });
  }
  return app;
}

export type IngestServer = ReturnType<typeof buildIngestServer>;
