import { describe, expect, it } from 'vitest';
import { REDACTED, redactForViewer } from './redact.js';

describe('redactForViewer', () => {
  it('replaces ticket text, the customer and metadata, and keeps ids and routing facts', () => {
    const data = {
      ticket: {
        id: 'T-1',
        subject: 'My invoice',
        body: 'charged twice',
        channel: 'email',
        customer: { id: 'c-1', email: 'a@example.com' },
        language: 'de',
        metadata: { crm: 'VIP' },
        receivedAt: '2025-01-01T00:00:00.000Z',
      },
      route: { team: 'billing_support', via: 'cheap', escalated: false, reasons: ['high_priority_low_confidence'] },
    };
    expect(redactForViewer(data)).toEqual({
      ticket: {
        id: 'T-1',
        subject: REDACTED,
        body: REDACTED,
        channel: 'email',
        customer: REDACTED,
        language: 'de',
        metadata: REDACTED,
        receivedAt: '2025-01-01T00:00:00.000Z',
      },
      route: data.route,
    });
  });

  it('replaces raw model output and rationales at any depth, and leaves a null as null', () => {
    const record = {
      raw: null,
      decision: { category: 'bug', priority: 'low', confidence: 0.93, rationale: 'crash on export' },
      attempts: [{ tier: 'cheap', raw: '{"x":1}', error: 'schema:team:invalid_value' }],
    };
    expect(redactForViewer({ queue: 'decisions', data: { record } })).toEqual({
      queue: 'decisions',
      data: {
        record: {
          raw: null,
          decision: { category: 'bug', priority: 'low', confidence: 0.93, rationale: REDACTED },
          attempts: [{ tier: 'cheap', raw: REDACTED, error: 'schema:team:invalid_value' }],
        },
      },
    });
  });

  it('scrubs e-mail addresses from every other string, as the logs do', () => {
    expect(
      redactForViewer({ error: 'webhook refused for jane.doe@example.org', notes: ['from ops@corp.example'] }),
    ).toEqual({ error: 'webhook refused for [email]', notes: ['from [email]'] });
    expect(redactForViewer('stack: at x (mail@example.com)')).toBe('stack: at x ([email])');
  });

  it("hides a failed job's stack traces (server paths) and keeps how many there were", () => {
    const job = {
      id: 't-1',
      failedReason: 'webhook answered 500',
      stacktrace: [
        'Error: webhook answered 500\n    at deliver (/srv/switchboard/packages/lifecycle/src/team-delivery.ts:88:11)',
        'Error: again',
      ],
    };
    expect(redactForViewer(job)).toEqual({
      id: 't-1',
      failedReason: 'webhook answered 500',
      stacktrace: [REDACTED, REDACTED],
    });
    expect(JSON.stringify(redactForViewer({ err: { stack: 'at /srv/x.ts:1' } }))).not.toContain('/srv/');
  });

  it('matches field names whatever their case, and does not touch the input', () => {
    const input = { Body: 'text', EMAIL: 'x@example.com', nested: { Subject: 's' } };
    expect(redactForViewer(input)).toEqual({ Body: REDACTED, EMAIL: REDACTED, nested: { Subject: REDACTED } });
    expect(input.Body).toBe('text');
  });

  it('fails closed on nesting deeper than any payload of ours', () => {
    let deep: unknown = { body: 'leak' };
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(JSON.stringify(redactForViewer(deep))).not.toContain('leak');
  });

  it('passes numbers, booleans and empty values through', () => {
    expect(redactForViewer({ n: 3, ok: true, none: null, list: [] })).toEqual({ n: 3, ok: true, none: null, list: [] });
    expect(redactForViewer(undefined)).toBeUndefined();
  });
});
