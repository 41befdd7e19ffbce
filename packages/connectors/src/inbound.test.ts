import { describe, expect, it } from 'vitest';
import { TicketInput } from '@switchboard/core';
import type { TicketView } from '@switchboard/queues';
import { zammadInbound, zendeskInbound, zendeskWriteBack } from './config.js';
import { inboundAction, toTicketInput } from './inbound.js';
import { retryAfterMs } from './http.js';
import { signZammad, verifyZammad, ZammadWebhook, zammadTicket } from './zammad.js';
import { signZendesk, verifyZendesk, ZendeskWebhook, zendeskTicket } from './zendesk.js';

const SECRET = 'zendesk-signing-secret-0123456789';
const GROUPS = { billing_support: 100, tech_support: 200, triage: 900 };

const zendeskBody = (over: Record<string, unknown> = {}) =>
  ZendeskWebhook.parse({
    ticket: {
      id: '4711',
      subject: 'Charged twice',
      description:
        '----------------------------------------------\n\nJane Doe, May 3, 2026, 10:00\n\nPlease refund the second charge.',
      requester_email: 'jane@example.com',
      channel: 'Web form',
      language: 'English',
      group_id: '',
      assignee_id: '-',
      priority: 'Normal',
      status: 'New',
      tags: 'vip web',
      ...over,
    },
  });

const view = (over: Partial<TicketView> = {}): TicketView => ({
  ticketId: 'zendesk-4711',
  status: 'routed',
  route: { team: 'billing_support', via: 'cheap', escalated: false, reasons: [] },
  timings: { receivedAt: new Date().toISOString() },
  ...over,
});

describe('Zendesk webhooks', () => {
  it('accepts the documented signature (base64 HMAC-SHA256 of timestamp + body) and refuses anything else', () => {
    const body = '{"ticket":{"id":"1"}}';
    const ts = new Date().toISOString();
    const ok = { signature: signZendesk(SECRET, ts, body), timestamp: ts };
    expect(verifyZendesk(SECRET, ok, body)).toBeUndefined();
    expect(verifyZendesk(SECRET, ok, `${body} `)).toMatch(/does not match/);
    expect(verifyZendesk('another-secret-0123456789', ok, body)).toMatch(/does not match/);
    const old = new Date(Date.now() - 3_600_000).toISOString();
    expect(verifyZendesk(SECRET, { signature: signZendesk(SECRET, old, body), timestamp: old }, body)).toMatch(
      /from now/,
    );
    expect(verifyZendesk(SECRET, { signature: undefined, timestamp: ts }, body)).toMatch(/send/);
  });

  it('maps the template onto our ticket: namespaced id, first comment without its header, e-mail, channel, language', () => {
    const input = toTicketInput(zendeskTicket(zendeskBody()));
    expect(TicketInput.parse(input)).toMatchObject({
      id: 'zendesk-4711',
      subject: 'Charged twice',
      body: 'Please refund the second charge.',
      customer: { email: 'jane@example.com' },
      channel: 'web_form',
      language: 'en',
      metadata: { connector: 'zendesk', upstream_group_id: null, upstream_assignee_id: null },
    });
  });

  it('cuts a huge first comment to our limit instead of refusing the ticket', () => {
    const input = toTicketInput(zendeskTicket(zendeskBody({ description: 'é'.repeat(40_000) })));
    expect(TicketInput.safeParse(input).success).toBe(true);
  });

  it('reads an unknown ticket as new, a solved one as feedback, an agent’s group change as feedback, our own group as nothing', () => {
    expect(inboundAction(zendeskTicket(zendeskBody()), undefined, GROUPS)).toEqual({ kind: 'create' });
    const solved = zendeskTicket(zendeskBody({ status: 'Solved', group_id: '200', priority: 'Urgent' }));
    expect(inboundAction(solved, view(), GROUPS)).toMatchObject({
      kind: 'feedback',
      why: 'closed',
      feedback: { team: 'tech_support', category: 'technical', priority: 'high' },
    });
    const moved = zendeskTicket(zendeskBody({ status: 'Open', group_id: '200' }));
    expect(inboundAction(moved, view(), GROUPS)).toMatchObject({ kind: 'feedback', why: 'group_changed' });
    const ours = zendeskTicket(zendeskBody({ status: 'Open', group_id: '100' }));
    expect(inboundAction(ours, view(), GROUPS)).toMatchObject({ kind: 'ignore' });
    // An escalated ticket sits in triage; an agent moving it to billing is the answer.
    const escalated = view({
      route: { team: 'tech_support', via: 'cheap', escalated: true, reasons: ['low_confidence'] },
    });
    expect(
      inboundAction(zendeskTicket(zendeskBody({ status: 'Open', group_id: '900' })), escalated, GROUPS),
    ).toMatchObject({
      kind: 'ignore',
    });
    expect(
      inboundAction(
        zendeskTicket(zendeskBody({ status: 'Open', group_id: '100', tags: 'switchboard_billing' })),
        escalated,
        GROUPS,
      ),
    ).toMatchObject({ kind: 'feedback', feedback: { team: 'billing_support', category: 'billing' } });
  });
});

describe('Zammad webhooks', () => {
  const payload = (over: Record<string, unknown> = {}) =>
    ZammadWebhook.parse({
      ticket: {
        id: 31,
        title: 'Login broken',
        group_id: 1,
        owner_id: 1,
        priority_id: 3,
        state: 'new',
        create_article_type: 'email',
        customer: { email: 'max@example.com', preferences: { locale: 'de-de' } },
        ...over,
      },
      article: { body: '<p>I cannot log in &amp; reset fails</p>', content_type: 'text/html' },
    });

  it('accepts X-Hub-Signature sha1=<hex HMAC-SHA1 of the body> and refuses a wrong one', () => {
    const body = '{"ticket":{"id":31}}';
    expect(verifyZammad(SECRET, signZammad(SECRET, body), body)).toBeUndefined();
    expect(verifyZammad(SECRET, signZammad(SECRET, body), `${body}\n`)).toMatch(/does not match/);
    expect(verifyZammad(SECRET, 'sha256=abc', body)).toMatch(/sha1=/);
    expect(verifyZammad(SECRET, undefined, body)).toMatch(/send/);
  });

  it('maps the default payload: article text from HTML, customer e-mail, priority, owner 1 as unassigned', () => {
    const t = zammadTicket(payload());
    expect(t).toMatchObject({ upstreamId: '31', body: 'I cannot log in & reset fails', priority: 'high', groupId: 1 });
    expect(t.assigneeId).toBeUndefined();
    expect(toTicketInput(t)).toMatchObject({
      id: 'zammad-31',
      customer: { email: 'max@example.com' },
      language: 'de-de',
    });
    expect(zammadTicket(payload({ state: 'closed' })).closed).toBe(true);
  });
});

describe('configuration', () => {
  it('is off with nothing set and names what is missing when half set', () => {
    expect(zendeskWriteBack({})).toBeUndefined();
    expect(zendeskInbound({})).toBeUndefined();
    expect(zammadInbound({})).toBeUndefined();
    expect(() => zendeskWriteBack({ ZENDESK_URL: 'https://acme.zendesk.com' })).toThrow(
      /ZENDESK_EMAIL, ZENDESK_API_TOKEN, ZENDESK_GROUPS/,
    );
    expect(() =>
      zendeskWriteBack({
        ZENDESK_URL: 'https://acme.zendesk.com',
        ZENDESK_EMAIL: 'a@b.co',
        ZENDESK_API_TOKEN: 't',
        ZENDESK_GROUPS: { billing_support: 1 },
      }),
    ).toThrow(/triage/);
    const cfg = zendeskWriteBack({
      ZENDESK_URL: 'https://acme.zendesk.com/',
      ZENDESK_EMAIL: 'a@b.co',
      ZENDESK_API_TOKEN: 't0k',
      ZENDESK_GROUPS: { triage: 9 },
    });
    expect(cfg?.baseUrl).toBe('https://acme.zendesk.com');
    expect(cfg?.authorization).toBe(`Basic ${Buffer.from('a@b.co/token:t0k').toString('base64')}`);
  });

  it('reads Retry-After as seconds or a date, bounded', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000);
    expect(retryAfterMs('86400')).toBe(15 * 60_000);
    expect(retryAfterMs(null)).toBe(10_000);
  });
});
