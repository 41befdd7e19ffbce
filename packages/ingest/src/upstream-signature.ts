import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { Logger } from '@switchboard/runtime';
import type { RedisClient as Redis } from '@switchboard/queues';
import { CONNECTOR_ROUTES } from './connector-routes.js';

/**
 * Signed upstream webhooks in Zendesk's scheme: `X-Zendesk-Webhook-Signature` is
 * base64(HMAC-SHA256(secret, timestamp + raw body)) and `X-Zendesk-Webhook-Signature-Timestamp` the
 * timestamp it signed. A request outside the window, or one whose signature was already seen, is a
 * replay.
 */
export interface SignatureOptions {
  secrets: readonly string[];
  /** How far the signed timestamp may be from now, either way. */
  windowSeconds: number;
  redis: Redis;
  prefix: string;
  clock?: () => number;
}

const SIG = 'x-zendesk-webhook-signature';
const TS = 'x-zendesk-webhook-signature-timestamp';

export const signUpstream = (secret: string, timestamp: string, rawBody: string): string =>
  createHmac('sha256', secret)
    .update(timestamp + rawBody)
    .digest('base64');

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const deny = (reply: FastifyReply, message: string): FastifyReply =>
  reply.code(401).send({ error: 'invalid_signature', message });

/** Keeps the raw JSON text for the signature (fastify's own parser, so prototype poisoning is still refused), and checks every POST. */
export function requireUpstreamSignature(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  opts: SignatureOptions,
): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    req.rawBody = text;
    void parse(req, text, done);
  });
  const clock = opts.clock ?? Date.now;
  const secrets = opts.secrets.map((s) => Buffer.from(s));
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    // The connector routes carry their product's own signature and check it themselves.
    if (req.method !== 'POST' || CONNECTOR_ROUTES.has(req.routeOptions.url ?? '')) return;
    const signature = req.headers[SIG];
    const timestamp = req.headers[TS];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return deny(reply, `send ${SIG} and ${TS}`);
    const at = /^\d+$/.test(timestamp) ? Number(timestamp) * 1000 : Date.parse(timestamp);
    if (!Number.isFinite(at) || Math.abs(clock() - at) > opts.windowSeconds * 1000)
      return deny(reply, `the signed timestamp is more than ${opts.windowSeconds} s from now`);
    const given = Buffer.from(signature, 'base64');
    const raw = req.rawBody ?? '';
    const ok = secrets.some((secret) => {
      const expected = createHmac('sha256', secret)
        .update(timestamp + raw)
        .digest();
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!ok) return deny(reply, 'the signature does not match the body');
    // Each signature once inside the window: a captured request cannot be sent again.
    const fresh = await opts.redis.set(
      `${opts.prefix}:upstream-sig:${signature}`,
      '1',
      'EX',
      opts.windowSeconds * 2,
      'NX',
    );
    if (fresh !== 'OK') return deny(reply, 'this signed request was already received (replay)');
  });
}
