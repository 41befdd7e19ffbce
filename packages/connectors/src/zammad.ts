import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Priority } from '@switchboard/core';
import type { WriteBackConfig } from './config.js';
import { helpdeskClient } from './http.js';
import { normalizeLanguage, type UpstreamTicket } from './inbound.js';
import type { WriteBackPlan } from './plan.js';
import { idOf, personChange, type Baseline, type HelpdeskWriter, type WriteBackResult } from './writer.js';

export const ZAMMAD_SIGNATURE = 'x-hub-signature';

/** Zammad's documented scheme: `sha1=` + hex HMAC-SHA1(signature token, raw body). */
export const signZammad = (secret: string, rawBody: string): string =>
  `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;

/** Returns why a Zammad webhook is refused, or undefined. Zammad signs no timestamp: every event here is idempotent. */
export function verifyZammad(secret: string, signature: string | undefined, rawBody: string): string | undefined {
  if (!signature) return `send ${ZAMMAD_SIGNATURE} (set the webhook's HMAC SHA1 signature token)`;
  const m = /^sha1=([0-9a-f]{40})$/i.exec(signature.trim());
  if (!m?.[1]) return `${ZAMMAD_SIGNATURE} must be sha1=<40 hex digits>`;
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  const given = Buffer.from(m[1], 'hex');
  if (!timingSafeEqual(expected, given)) return 'the signature does not match the body';
  return undefined;
}

/** An association in Zammad's payload: a name, or an object with one. */
const named = z
  .union([z.string(), z.looseObject({ name: z.string().optional(), login: z.string().optional() })])
  .nullish()
  .transform((v) => (typeof v === 'string' ? v : (v?.name ?? v?.login)));

/**
 * Zammad's default webhook payload (no custom payload): the ticket with its associations, and the
 * article that fired the trigger. Only the fields used are checked; the rest pass.
 */
export const ZammadWebhook = z.looseObject({
  ticket: z.looseObject({
    id: z.number().int().positive(),
    title: z.string().nullish(),
    group_id: z.number().int().nullish(),
    owner_id: z.number().int().nullish(),
    priority_id: z.number().int().nullish(),
    priority: named,
    state: named,
    create_article_type: named,
    tags: z.array(z.string()).nullish(),
    updated_by: named,
    customer: z
      .looseObject({
        email: z.string().nullish(),
        preferences: z.looseObject({ locale: z.string().nullish() }).nullish(),
      })
      .nullish(),
  }),
  article: z
    .looseObject({
      body: z.string().nullish(),
      content_type: z.string().nullish(),
      subject: z.string().nullish(),
    })
    .nullish(),
});
export type ZammadWebhook = z.infer<typeof ZammadWebhook>;

/** Zammad's default priorities: 1 low, 2 normal, 3 high. */
const PRIORITY_FROM_ZAMMAD: Record<number, Priority> = { 1: 'low', 2: 'medium', 3: 'high' };
const PRIORITY_TO_ZAMMAD: Record<Priority, number> = { low: 1, medium: 2, high: 3 };
/** Zammad's "unassigned" owner is the system user with id 1. */
const owner = (id: number | null | undefined): number | null => (id === 1 || id === undefined ? null : idOf(id));

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** An HTML article as the text a reader sees: line breaks kept, tags dropped, the common entities decoded. */
export const htmlToText = (html: string): string =>
  html
    .replace(/<(br|\/p|\/div|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const isClosed = (state: string | undefined): boolean => /^(closed|merged|removed)/i.test(state ?? '');

export function zammadTicket(payload: ZammadWebhook): UpstreamTicket {
  const t = payload.ticket;
  const a = payload.article;
  const body = a?.body ? (/html/i.test(a.content_type ?? '') ? htmlToText(a.body) : a.body) : undefined;
  const priorityName = /^(\d)/.exec(t.priority ?? '')?.[1];
  const priorityId = t.priority_id ?? (priorityName ? Number(priorityName) : undefined);
  return {
    connector: 'zammad',
    upstreamId: String(t.id),
    subject: t.title ?? a?.subject ?? undefined,
    body,
    requesterEmail: t.customer?.email ?? undefined,
    channel: t.create_article_type?.toLowerCase(),
    language: normalizeLanguage(t.customer?.preferences?.locale ?? undefined),
    groupId: idOf(t.group_id) ?? undefined,
    assigneeId: owner(t.owner_id) ?? undefined,
    priority: priorityId === undefined ? undefined : PRIORITY_FROM_ZAMMAD[priorityId],
    closed: isClosed(t.state),
    tags: (t.tags ?? []).map((x) => x.toLowerCase()),
    updatedBy: t.updated_by,
  };
}

/** The fields of `GET /api/v1/tickets/{id}?expand=true` the write-back reads (Zammad sends many more). */
const ZammadTicketAnswer = z.object({
  id: z.number(),
  group_id: z.number().nullable(),
  owner_id: z.number().nullable(),
  state: z.string().optional(),
  updated_at: z.string(),
});

/** `GET /api/v1/ticket_articles/by_ticket/{id}`: the ticket's articles, of which the write-back reads the bodies. */
const ZammadArticlesAnswer = z.array(z.object({ body: z.string().nullish() }));

/**
 * Zammad's write-back (REST API, token auth). Zammad has no conditional update, so the check is a
 * read: GET the ticket (expanded, for its state's name) and its articles; this decision's note there
 * means an earlier attempt wrote it (only the tags may be missing); a person's change of group or owner
 * since ingest, or a closed ticket, is left alone. Else one `PUT /api/v1/tickets/{id}` sets group and
 * priority with the internal note as its article, then `POST /api/v1/tags/add` adds each tag (adding
 * a tag twice is harmless). A person's edit between our read and our PUT cannot be detected.
 */
export function zammadWriter(cfg: WriteBackConfig, fetchImpl?: typeof fetch): HelpdeskWriter {
  const zammad = helpdeskClient({
    product: 'Zammad',
    baseUrl: cfg.baseUrl,
    authorization: cfg.authorization,
    timeoutMs: cfg.timeoutMs,
    fetchImpl,
  });
  const addTags = async (id: string, tags: readonly string[]): Promise<void> => {
    for (const tag of tags)
      await zammad.send({
        method: 'POST',
        path: '/api/v1/tags/add',
        body: { item: tag, object: 'Ticket', o_id: Number(id) },
      });
  };
  return {
    connector: 'zammad',
    async apply(upstreamId: string, plan: WriteBackPlan, baseline: Baseline | undefined): Promise<WriteBackResult> {
      const ticket = await zammad.read(
        { method: 'GET', path: `/api/v1/tickets/${upstreamId}?expand=true` },
        ZammadTicketAnswer,
      );
      const articles = await zammad.read(
        { method: 'GET', path: `/api/v1/ticket_articles/by_ticket/${upstreamId}` },
        ZammadArticlesAnswer,
      );
      if (articles.some((a) => a.body?.includes(plan.marker))) {
        await addTags(upstreamId, plan.tags);
        return { outcome: 'written', detail: 'already on the ticket (written by an earlier attempt)' };
      }
      const state = ticket.state ?? '';
      const changed = personChange(
        { groupId: ticket.group_id, assigneeId: owner(ticket.owner_id), done: isClosed(state), status: state },
        baseline,
      );
      if (changed) return { outcome: 'skipped', detail: `already routed by a person: ${changed}` };
      await zammad.send({
        method: 'PUT',
        path: `/api/v1/tickets/${upstreamId}`,
        body: {
          ...(plan.groupId === undefined ? {} : { group_id: plan.groupId }),
          ...(plan.priority === undefined ? {} : { priority_id: PRIORITY_TO_ZAMMAD[plan.priority] }),
          article: {
            subject: 'Switchboard',
            body: plan.note,
            content_type: 'text/plain',
            type: 'note',
            internal: true,
          },
        },
      });
      await addTags(upstreamId, plan.tags);
      return { outcome: 'written', detail: `group ${plan.groupId ?? 'unchanged'}, tags ${plan.tags.join(' ')}` };
    },
  };
}
