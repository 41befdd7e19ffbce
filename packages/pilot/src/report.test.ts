import { describe, expect, it } from 'vitest';
import type { Category, Team } from '@switchboard/core';
import { DEFAULT_GATES } from './gate.js';
import { pilotReport } from './report.js';
import type { PilotTicket } from './rows.js';

const TEAM: Record<Category, Team> = {
  billing: 'billing_support',
  technical: 'tech_support',
  sales: 'sales',
  bug: 'core_eng',
  cancellation: 'account_ops',
  other: 'triage',
};
const t = (
  id: string,
  next: Category | null,
  legacy: Category,
  feedback: Category | null,
  over: Partial<PilotTicket> = {},
): PilotTicket => ({
  ticketId: id,
  deliveredBy: 'legacy',
  next: next ? { category: next, team: TEAM[next] } : null,
  legacy: { category: legacy, team: TEAM[legacy] },
  route: { team: TEAM[legacy], via: 'legacy', escalated: false, reasons: [] },
  feedback: feedback
    ? {
        category: feedback,
        team: TEAM[feedback],
        priority: 'medium',
        receivedAt: '2026-11-20T10:00:00.000Z',
        source: 'upstream',
      }
    : null,
  newCostUsd: 0.002,
  newLatencyMs: 400,
  legacyLatencyMs: 0.02,
  critical: false,
  newWouldEscalate: next === null,
  ...over,
});

// Worked by hand: 6 compared tickets, 5 with feedback, plus one critical ticket.
const CASE: PilotTicket[] = [
  t('a', 'billing', 'billing', 'billing'), //    agree, both right
  t('b', 'cancellation', 'billing', 'cancellation'), // disagree: new right, legacy a false billing route
  t('c', 'billing', 'billing', 'technical'), //  agree, both wrong: both false billing routes
  t('d', 'technical', 'other', 'technical'), //  disagree: new right
  t('e', null, 'bug', 'bug', {
    deliveredBy: 'new',
    route: { team: 'triage', via: 'human', escalated: true, reasons: ['low_confidence'] },
  }), // new unsure
  t('f', 'sales', 'sales', null), //             agree, no feedback
  t('g', null, 'other', null, {
    critical: true,
    route: { team: 'triage', via: 'human', escalated: true, reasons: ['critical_keyword:urgent'] },
  }),
];

describe('pilot report on a hand-worked case', () => {
  const r = pilotReport(CASE, 'shadow', DEFAULT_GATES);

  it('counts tickets, feedback and the agreement matrix (critical tickets left out of the comparison)', () => {
    expect(r.tickets).toBe(7);
    expect(r.deliveredBy).toEqual({ new: 1, legacy: 6 });
    expect(r.withFeedback).toBe(5);
    expect(r.agreement.billing).toMatchObject({ billing: 2, cancellation: 1, none: 0 });
    expect(r.agreement.other).toMatchObject({ technical: 1 });
    expect(r.agreement.bug.none).toBe(1);
    expect(r.agreementRate.overall).toBeCloseTo(3 / 6, 10);
    expect(r.agreementRate.byLegacyCategory.billing).toBeCloseTo(2 / 3, 10);
  });

  it('scores each router against feedback where it answered', () => {
    // new answered a, b, c, d with feedback: right on a, b, d.
    expect(r.routers.new).toMatchObject({
      judged: 4,
      categoryCorrect: 3,
      teamCorrect: 3,
      falseBilling: 1,
      billingRoutesJudged: 2,
    });
    // legacy answered a..e with feedback: right on a and e.
    expect(r.routers.legacy).toMatchObject({ judged: 5, categoryCorrect: 2, falseBilling: 2, billingRoutesJudged: 3 });
    expect(r.routers.legacy.falseBillingRate).toBeCloseTo(2 / 3, 10);
    expect(r.routers.new.categoryCi.low).toBeLessThan(0.75);
    expect(r.routers.new.categoryCi.high).toBeGreaterThan(0.75);
  });

  it('counts escalation overrides per delivering router, cost and latency per router, and the disagreements to learn from', () => {
    expect(r.escalationOverrides).toEqual({ new: 1, legacy: 1 });
    expect(r.newEscalationRate).toBeCloseTo(1 / 6, 10);
    expect(r.routers.new.costPerTicketUsd.mean).toBeCloseTo(0.002, 10);
    expect(r.routers.legacy.costPerTicketUsd.mean).toBe(0);
    expect(r.routers.new.latencyMs.p50).toBe(400);
    expect(r.disagreementsWithFeedback).toEqual(['b', 'd']);
  });

  it('holds the gate to 5% until the numbers justify it, and says which check failed', () => {
    expect(r.gate?.next).toBe(5);
    expect(r.gate?.justified).toBe(false);
    expect(r.gate?.checks.find((c) => c.name === 'enough feedback')).toMatchObject({
      ok: false,
      detail: '5 tickets with feedback, 200 needed',
    });
    const lenient = pilotReport(CASE, 'shadow', {
      shadow: { minFeedback: 5, maxAccuracyLossPoints: 100, maxFalseBillingRate: 0.5, maxEscalationRate: 0.2 },
    });
    expect(lenient.gate).toMatchObject({ next: 5, justified: true });
  });
});
