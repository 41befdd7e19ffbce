import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import { connectorTicketId, describeZodError, type Connector, type RoutingTable } from '@switchboard/core';
import {
  inboundAction,
  toTicketInput,
  verifyZammad,
  verifyZendesk,
  ZAMMAD_SIGNATURE,
  ZammadWebhook,
  zammadTicket,
  ZENDESK_SIGNATURE,
  ZENDESK_TIMESTAMP,
  ZendeskWebhook,
  zendeskTicket,
  type InboundConfig,
  type UpstreamTicket,
} from '@switchboard/connectors';
import type { Logger } from '@switchboard/runtime';
import type { TicketStore } from '@switchboard/queues';
import { acceptTickets, validateTicket, type TicketProducer } from './accept.js';
import { recordFeedback, type FeedbackSink } from './feedback.js';

export interface ConnectorOptions {
  zendesk?: InboundConfig | undefined;
  zammad?: InboundConfig | undefined;
  /** Maps an agent's team back to a category for feedback (the classifiers' routing table). */
  routing?: RoutingTable;
  /** How old Zendesk's signed timestamp may be. */
  windowSeconds?: number;
}

/** The connector routes: authenticated by the product's own signature, not by an ingest API key. */
export const CONNECTOR_ROUTES: ReadonlySet<string> = new Set([
  '/v1/connectors/zendesk/events',
  '/v1/connectors/zammad/events',
]);

interface Deps {
  tickets: TicketProducer;
  store: TicketStore;
  /** The feedback API's sink (the lifecycle, with the live guard); absent, feedback is not kept here. */
  feedback: FeedbackSink | undefined;
  logger: Logger;
  now: () => Date;
  /** Redis calls are bounded as every other route's are. */
  within: <T>(p: Promise<T>) => Promise<T>;
  /** Zendesk may also send a bearer token (its webhook's bearer auth): then it must be an ingest API key. */
  bearerOk: (authorization: string | undefined) => boolean;
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

const deny = (reply: FastifyReply, message: string): FastifyReply =>
  reply.code(401).send({ error: 'invalid_signature', message });

/**
 * `POST /v1/connectors/zendesk/events` and `POST /v1/connectors/zammad/events`: each product's webhook,
 * checked with that product's signature over the raw body. An unknown ticket is accepted as ours (202,
 * the same path and idempotency as `POST /v1/tickets`); a closed ticket, or one an agent moved to
 * another group, is recorded as feedback through the same path as `POST /v1/tickets/:id/feedback`;
 * anything else is acknowledged (200) and ignored, so the helpdesk does not retry it.
 */
export function registerConnectorRoutes(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  opts: ConnectorOptions,
  deps: Deps,
): void {
  const routing = opts.routing;
  // A plugin of its own: the raw-body parser below applies to these routes only.
  void app.register((scope, _opts, registered) => {
    // The signature covers the body as sent, so this scope keeps the raw text beside fastify's own
    // parse (which still refuses prototype poisoning).
    const parse = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      req.rawBody = text;
      void parse(req, text, done);
    });

    const handle = async (
      connector: Connector,
      cfg: InboundConfig,
      req: FastifyRequest,
      reply: FastifyReply,
      upstreamOf: (body: unknown) => { ok: true; ticket: UpstreamTicket } | { ok: false; message: string },
    ): Promise<FastifyReply> => {
      const parsed = upstreamOf(req.body);
      if (!parsed.ok) return reply.code(400).send({ error: 'invalid_payload', message: parsed.message });
      const upstream = parsed.ticket;
      const ticketId = connectorTicketId(connector, upstream.upstreamId);
      const known = await deps.within(deps.store.get(ticketId));
      const action = inboundAction(upstream, known, cfg.groups, routing);
      if (action.kind === 'create') {
        const v = validateTicket(toTicketInput(upstream));
        if (!v.ok) return reply.code(400).send({ error: v.code, message: v.message });
        const [result] = await deps.within(
          acceptTickets([v.input], { tickets: deps.tickets, store: deps.store, now: deps.now }),
        );
        if (!result) throw new Error('accept returned no result');
        return reply.code(result.duplicate ? 200 : 202).send({
          ticketId,
          status: result.status,
          duplicate: result.duplicate,
        });
      }
      if (action.kind === 'feedback') {
        if (!deps.feedback) return reply.send({ ticketId, ignored: 'feedback is not kept by this ingest' });
        const r = await deps.within(recordFeedback(deps.feedback, ticketId, action.feedback, deps.now()));
        if (!r.ok) return reply.code(r.status).send({ error: r.error, message: r.message });
        deps.logger.info({ ticketId, why: action.why, team: r.feedback.team }, 'helpdesk feedback recorded');
        return reply.send({ ticketId, feedback: r.feedback, why: action.why });
      }
      return reply.send({ ticketId, ignored: action.reason });
    };

    const zendesk = opts.zendesk;
    if (zendesk) {
      scope.post('/v1/connectors/zendesk/events', { bodyLimit: 1024 * 1024 }, async (req, reply) => {
        const refused = verifyZendesk(
          zendesk.secret,
          { signature: header(req, ZENDESK_SIGNATURE), timestamp: header(req, ZENDESK_TIMESTAMP) },
          req.rawBody ?? '',
          opts.windowSeconds,
        );
        if (refused) return deny(reply, refused);
        const authorization = header(req, 'authorization');
        if (authorization !== undefined && !deps.bearerOk(authorization))
          return deny(reply, 'the bearer token is not an ingest API key');
        return handle('zendesk', zendesk, req, reply, (body) => {
          const p = ZendeskWebhook.safeParse(body);
          return p.success
            ? { ok: true, ticket: zendeskTicket(p.data) }
            : { ok: false, message: describeZodError(p.error) };
        });
      });
    }
    const zammad = opts.zammad;
    if (zammad) {
      scope.post('/v1/connectors/zammad/events', { bodyLimit: 1024 * 1024 }, async (req, reply) => {
        const refused = verifyZammad(zammad.secret, header(req, ZAMMAD_SIGNATURE), req.rawBody ?? '');
        if (refused) return deny(reply, refused);
        return handle('zammad', zammad, req, reply, (body) => {
          const p = ZammadWebhook.safeParse(body);
          return p.success
            ? { ok: true, ticket: zammadTicket(p.data) }
            : { ok: false, message: describeZodError(p.error) };
        });
      });
    }
    registered();
  });
}
