import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { ReviewDeskConfig } from './config.js';
import { listPage, ticketPage, waited } from './pages.js';
import { rationaleInWords, reasonInWords } from './reason-words.js';
import type { ReviewItem } from './review-list.js';

const ana = { name: 'ana', csrf: 'token-a' };
const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const item: ReviewItem = {
  ticketId: 'x-1',
  priority: 'high',
  waitingMs: 90 * 60_000,
  slaBreached: true,
  claim: null,
  routed: {
    ticket: { id: 'x-1', subject: hostile, body: `Hello ${hostile}`, receivedAt: '2026-11-25T08:00:00.000Z' },
    record: {
      outcome: 'decided',
      tier: 'cheap',
      model: 'gpt-4o-mini',
      promptVersion: 'v',
      raw: null,
      criticalKeyword: null,
      failureReasons: [],
      notes: [],
      attempts: [],
      decision: {
        category: 'billing',
        priority: 'high',
        team: 'billing_support',
        confidence: 0.7,
        escalation_required: false,
        rationale: hostile.slice(0, 80),
      },
      totals: { latencyMs: 1, promptTokens: 1, completionTokens: 1, costUsd: 0 },
      decidedAt: '2026-11-25T08:00:01.000Z',
    },
    route: { team: 'billing_support', via: 'human', escalated: true, reasons: ['high_priority_low_confidence'] },
    routedAt: '2026-11-25T08:00:02.000Z',
  },
};

describe('review desk pages', () => {
  it('escape ticket text, subject and model rationale everywhere', () => {
    for (const html of [
      listPage('', ana, { items: [item], unreadable: 0, total: 1 }, { byTier: [], byCategory: [] }),
      ticketPage('', ana, item, DEFAULT_ROUTING_TABLE, ReviewDeskConfig.parse({})),
    ]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('mark an SLA breach and prefill the form with the suggestion for the reviewer who holds the ticket', () => {
    expect(listPage('', ana, { items: [item], unreadable: 0, total: 1 }, { byTier: [], byCategory: [] })).toContain(
      'waiting 1 h 30 min</span> · SLA breached',
    );
    const mine = ticketPage(
      '/desk',
      ana,
      {
        ...item,
        claim: { reviewer: 'ana', claimedAt: '2026-11-25T09:00:00.000Z', expiresAt: '2026-11-25T09:15:00.000Z' },
      },
      DEFAULT_ROUTING_TABLE,
      ReviewDeskConfig.parse({}),
    );
    expect(mine).toContain('<option value="billing" selected>');
    expect(mine).toContain('<option value="billing_support" selected>');
    expect(mine).toContain('action="/desk/tickets/x-1/resolve"');
    // Every form of the page carries the CSRF token: claim next, resolve, release and sign out.
    expect(mine.match(/name="_csrf" value="token-a"/g)).toHaveLength(4);
    // No inline script or style: the CSP allows neither.
    expect(mine).not.toMatch(/<script>|<style>| style="/);
    const theirs = ticketPage(
      '',
      { name: 'ben', csrf: 'token-b' },
      {
        ...item,
        claim: { reviewer: 'ana', claimedAt: '2026-11-25T09:00:00.000Z', expiresAt: '2026-11-25T09:15:00.000Z' },
      },
      DEFAULT_ROUTING_TABLE,
      ReviewDeskConfig.parse({}),
    );
    expect(theirs).toContain('ana is working on this ticket');
    expect(theirs).not.toContain('id="resolve"');
  });

  it('says how long in words a person reads at a glance', () => {
    expect(waited(59_000)).toBe('0 min');
    expect(waited(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(waited(50 * 3_600_000)).toBe('2 d 2 h');
  });

  it('says how many more wait behind the page when the queue holds more than the list shows', () => {
    const html = listPage('', ana, { items: [item], unreadable: 0, total: 1_250 }, { byTier: [], byCategory: [] });
    expect(html).toContain('Waiting for a person (1250)');
    expect(html).toContain('Showing the 1 most urgent; 1249 more wait behind them');
    expect(listPage('', ana, { items: [item], unreadable: 0, total: 1 }, { byTier: [], byCategory: [] })).not.toContain(
      'more wait behind',
    );
  });

  it('puts reason codes in words with the code beside, and the local rationale as certainties', () => {
    expect(reasonInWords('critical_keyword:urgent')).toBe('Critical word “urgent”: no model may decide');
    expect(reasonInWords('high_priority_low_confidence')).toBe('High priority, and the model was not sure enough');
    expect(reasonInWords('some_future_code')).toBe('some_future_code');
    expect(rationaleInWords('local p=0.410 priority p=0.589')).toBe(
      'Local model: 41% sure of the category, 59% of the priority',
    );
    expect(rationaleInWords('mentions a refund')).toBe('mentions a refund');
    const html = ticketPage('', ana, item, DEFAULT_ROUTING_TABLE, ReviewDeskConfig.parse({}));
    expect(html).toContain(
      'High priority, and the model was not sure enough <code>high_priority_low_confidence</code>',
    );
  });

  it('carry no inline script or style, so the strict CSP allows them: script and stylesheet are files', () => {
    const mine = {
      ...item,
      claim: { reviewer: 'ana', claimedAt: item.routed.routedAt, expiresAt: item.routed.routedAt },
    };
    for (const html of [
      listPage('', ana, { items: [item], unreadable: 0, total: 1 }, { byTier: [], byCategory: [] }),
      ticketPage('', ana, mine, DEFAULT_ROUTING_TABLE, ReviewDeskConfig.parse({})),
    ]) {
      // Files only: the desk's script and the login's session watcher; no inline script, style or handler.
      expect(html.match(/<script[^>]*>/g)).toEqual([
        '<script src="/assets/desk.js" defer>',
        '<script src="/_auth/session.js" defer data-status-url="/_auth/session" data-login-url="/login" data-every-ms="60000">',
      ]);
      expect(html).toContain('<link rel="stylesheet" href="/assets/desk.css">');
      expect(html).not.toMatch(/<style|<[a-z][^>]*\sstyle=/i);
      expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
      // Every form carries the CSRF token, claim next included (the n key posts it).
      expect(html.match(/<form /g)?.length).toBe(html.match(/name="_csrf" value="token-a"/g)?.length);
      expect(html).toMatch(/action="\/claim-next"[^>]*><input type="hidden" name="_csrf" value="token-a">/);
    }
  });

  it('prefills a critical ticket from the local model’s guess, labelled as such, not other → triage', () => {
    const critical = {
      ...item,
      claim: { reviewer: 'ana', claimedAt: item.routed.routedAt, expiresAt: item.routed.routedAt },
      routed: { ...item.routed, record: { ...item.routed.record, outcome: 'critical' as const, decision: null } },
    };
    const local = {
      category: 'bug' as const,
      categoryConfidence: 0.7,
      priority: 'high' as const,
      priorityConfidence: 0.9,
      model: 'local-x',
    };
    const html = ticketPage('', ana, critical, DEFAULT_ROUTING_TABLE, ReviewDeskConfig.parse({}), undefined, local);
    expect(html).toContain("Local model's guess");
    expect(html).toContain('the ticket text did not leave it');
    expect(html).toContain('<option value="bug" selected>');
    expect(html).toContain('<option value="core_eng" selected>');
    const without = ticketPage('', ana, critical, DEFAULT_ROUTING_TABLE, ReviewDeskConfig.parse({}));
    expect(without).toContain('<option value="other" selected>');
  });
});
