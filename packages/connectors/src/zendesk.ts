import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Priority } from '@switchboard/core';
import type { WriteBackConfig } from './config.js';
import { ConflictError, helpdeskClient } from './http.js';
import { normalizeLanguage, type UpstreamTicket } from './inbound.js';
import type { WriteBackPlan } from './plan.js';
import { idOf, personChange, type Baseline, type HelpdeskWriter, type WriteBackResult } from './writer.js';

export const ZENDESK_SIGNATURE = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP = 'x-zendesk-webhook-signature-timestamp';

/** Zendesk's documented scheme: base64(HMAC-SHA256(secret, timestamp + raw body)). */
export const signZendesk = (secret: string, timestamp: string, rawBody: string): string =>
  createHmac('sha256', secret)
    .update(timestamp + rawBody)
    .digest('base64');

/**
 * Checks a Zendesk webhook's signature and that its signed timestamp (ISO 8601, as Zendesk sends it;
 * epoch seconds accepted too) is within `windowSeconds` of now. Returns why it is refused, or undefined.
 */
export function verifyZendesk(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  windowSeconds = 300,
  now = Date.now(),
): string | undefined {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return `send ${ZENDESK_SIGNATURE} and ${ZENDESK_TIMESTAMP}`;
  const at = /^\d+$/.test(timestamp) ? Number(timestamp) * 1000 : Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs(now - at) > windowSeconds * 1000)
    return `the signed timestamp is more than ${windowSeconds} s from now`;
  const expected = createHmac('sha256', secret)
    .update(timestamp + rawBody)
    .digest();
  const given = Buffer.from(signature, 'base64');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return 'the signature does not match the body';
  return undefined;
}

/** A placeholder's text: Zendesk renders an empty value as "" or "-". */
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => {
    const s = v === null || v === undefined ? '' : String(v).trim();
    return s === '' || s === '-' ? undefined : s;
  });

/**
 * The JSON body of the Switchboard webhook as the README's template makes Zendesk send it (every
 * value is a rendered placeholder, so a string). Unknown fields are allowed: a desk may add its own.
 */
export const ZendeskWebhook = z.object({
  ticket: z.object({
    id: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^[1-9]\d{0,19}$/, 'must be a Zendesk ticket id')),
    subject: text,
    description: text,
    requester_email: text,
    channel: text,
    language: text,
    group_id: text,
    assignee_id: text,
    priority: text,
    status: text,
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    updated_by: text,
  }),
});
export type ZendeskWebhook = z.infer<typeof ZendeskWebhook>;

const PRIORITY_FROM_ZENDESK: Record<string, Priority> = { low: 'low', normal: 'medium', high: 'high', urgent: 'high' };
const PRIORITY_TO_ZENDESK: Record<Priority, string> = { low: 'low', medium: 'normal', high: 'high' };

/**
 * `{{ticket.description}}` renders the first comment under a header line of dashes and the author
 * and date; the ticket's text is what follows it.
 */
export const stripDescriptionHeader = (s: string): string => s.replace(/^-{10,}\s*\n+[^\n]*\n+/, '').trim();

/** A solved or closed ticket is done: nothing is written to it. */
const isDone = (status: string | undefined): boolean => status === 'solved' || status === 'closed';

export function zendeskTicket(payload: ZendeskWebhook): UpstreamTicket {
  const t = payload.ticket;
  const status = t.status?.toLowerCase();
  const tags = Array.isArray(t.tags) ? t.tags : (t.tags ?? '').split(/\s+/).filter(Boolean);
  return {
    connector: 'zendesk',
    upstreamId: t.id,
    subject: t.subject,
    body: t.description ? stripDescriptionHeader(t.description) : undefined,
    requesterEmail: t.requester_email,
    channel: t.channel?.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
    language: normalizeLanguage(t.language),
    groupId: idOf(t.group_id) ?? undefined,
    assigneeId: idOf(t.assignee_id) ?? undefined,
    priority: t.priority ? PRIORITY_FROM_ZENDESK[t.priority.toLowerCase()] : undefined,
    closed: isDone(status),
    tags: tags.map((x) => x.toLowerCase()),
    updatedBy: t.updated_by,
  };
}

/** The fields of `GET /api/v2/tickets/{id}` the write-back reads (Zendesk sends many more). */
const ZendeskTicketAnswer = z.object({
  ticket: z.object({
    id: z.number(),
    group_id: z.number().nullable(),
    assignee_id: z.number().nullable(),
    status: z.string(),
    tags: z.array(z.string()),
    updated_at: z.string(),
  }),
});
type ZendeskTicketJson = z.infer<typeof ZendeskTicketAnswer>['ticket'];

/** This decision's tags (and group, when it sets one) are on the ticket: an attempt of ours wrote it. */
function carries(ticket: ZendeskTicketJson, plan: WriteBackPlan): boolean {
  return (
    plan.tags.every((tag) => ticket.tags.includes(tag)) &&
    (plan.groupId === undefined || ticket.group_id === plan.groupId)
  );
}

/**
 * Zendesk's write-back (Tickets API): GET the ticket; if this decision's tags and group are already
 * on it, an earlier attempt wrote it; if a person changed its group or assignee since ingest, or it is
 * solved, leave it; else one `PUT /api/v2/tickets/{id}` with group, priority, `additional_tags` (the
 * ticket's own tags stay) and a private comment, as a safe update stamped with the `updated_at` just
 * read: an agent's edit in between makes Zendesk answer 409, and their edit wins. A 409 is read again
 * first: our own timed-out update landing late moves `updated_at` too (written), and so does a reply or
 * an automation that leaves the routing alone (the update is tried once more on the new stamp).
 */
export function zendeskWriter(cfg: WriteBackConfig, fetchImpl?: typeof fetch): HelpdeskWriter {
  const zendesk = helpdeskClient({
    product: 'Zendesk',
    baseUrl: cfg.baseUrl,
    authorization: cfg.authorization,
    timeoutMs: cfg.timeoutMs,
    fetchImpl,
  });
  return {
    connector: 'zendesk',
    async apply(upstreamId: string, plan: WriteBackPlan, baseline: Baseline | undefined): Promise<WriteBackResult> {
      const path = `/api/v2/tickets/${upstreamId}`;
      const read = async (): Promise<ZendeskTicketJson> =>
        (await zendesk.read({ method: 'GET', path }, ZendeskTicketAnswer)).ticket;
      const routedBy = (t: ZendeskTicketJson): string | undefined =>
        personChange(
          {
            groupId: t.group_id,
            assigneeId: t.assignee_id,
            done: isDone(t.status),
            status: t.status,
          },
          baseline,
        );
      let ticket = await read();
      if (carries(ticket, plan))
        return { outcome: 'written', detail: 'already on the ticket (written by an earlier attempt)' };
      for (let put = 1; ; put++) {
        const changed = routedBy(ticket);
        if (changed)
          return {
            outcome: 'skipped',
            detail: `already routed by a person: ${changed}${put > 1 ? ' (409 on our update)' : ''}`,
          };
        try {
          await zendesk.send({
            method: 'PUT',
            path,
            body: {
              ticket: {
                ...(plan.groupId === undefined ? {} : { group_id: plan.groupId }),
                ...(plan.priority === undefined ? {} : { priority: PRIORITY_TO_ZENDESK[plan.priority] }),
                additional_tags: plan.tags,
                comment: { body: plan.note, public: false },
                safe_update: true,
                updated_stamp: ticket.updated_at,
              },
            },
          });
          return { outcome: 'written', detail: `group ${plan.groupId ?? 'unchanged'}, tags ${plan.tags.join(' ')}` };
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
        // A 409: the ticket moved since our read. It may be our own earlier update, applied after the
        // client gave up on it; or a person routing it (theirs wins); or only a reply or an automation,
        // which leaves the routing as it was, so the update is tried once more on what is there now.
        ticket = await read();
        if (carries(ticket, plan))
          return {
            outcome: 'written',
            detail: "already on the ticket: an earlier attempt's update landed after it timed out (409 on this one)",
          };
        if (put === 2 && routedBy(ticket) === undefined)
          return {
            outcome: 'skipped',
            detail:
              'left alone: the ticket changed between our read and our update twice (409), someone is working on it',
          };
      }
    },
  };
}
