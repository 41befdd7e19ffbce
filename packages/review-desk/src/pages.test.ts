import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { ReviewDeskConfig } from './config.js';
import { listPage, ticketPage, waited } from './pages.js';
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
      'class="breach">1 h 30 min · SLA breached',
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
    // Every form of the page carries the CSRF token: resolve, release and sign out.
    expect(mine.match(/name="_csrf" value="token-a"/g)).toHaveLength(3);
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
});
