import { describe, expect, it } from 'vitest';
import type { Category, Team } from '@switchboard/core';
import { DEFAULT_GATES } from './gate.js';
import { pilotReport } from './report.js';
import { pilotMarkdown } from './report-text.js';
import { checkStageChange, feedbackConflict } from './stage-change.js';
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
  guardrailEscalation: over.critical ?? false,
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
    // People get the critical ticket g (guardrail) and e (the new router unsure): 2 of all 7.
    expect(r.newEscalationRate).toBeCloseTo(2 / 7, 10);
    expect(r.humanLoad).toEqual({ tickets: 7, toPeople: 2, guardrail: 1, router: 1 });
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
      shadow: { minFeedback: 5, maxAccuracyLossPoints: 100, maxFalseBillingRate: 0.5, maxEscalationRate: 0.3 },
    });
    expect(lenient.gate).toMatchObject({ next: 5, justified: true });
  });
});

describe('the pilot counts what people get, and stage changes follow the gate', () => {
  const injection = t('h', 'billing', 'billing', null, {
    guardrailEscalation: true,
    route: { team: 'billing_support', via: 'human', escalated: true, reasons: ['prompt_injection_suspected'] },
  });

  it('counts guardrail escalations (critical, injection) in the human load and the gate', () => {
    const r = pilotReport([...CASE, injection], 'shadow', DEFAULT_GATES);
    expect(r.humanLoad).toEqual({ tickets: 8, toPeople: 3, guardrail: 2, router: 1 });
    expect(r.newEscalationRate).toBeCloseTo(3 / 8, 10);
    // 37.5% is over the shadow gate's 35%: the guardrail's tickets are desk load too.
    expect(r.gate?.checks.find((c) => c.name === 'human load')).toMatchObject({
      ok: false,
      detail: '37.5% of tickets to a person (2 by the guardrail, 1 by the router, of 8), at most 35.0%',
    });
    const md = pilotMarkdown(r);
    expect(md).toContain('with the new router alone people would get 37.5% of tickets (3 of 8');
    expect(md).toContain('compared on the 7 tickets without a critical word');
  });

  it('refuses a stage change against the gate without --force, and never holds back a step back', () => {
    const held = pilotReport(CASE, 'shadow', DEFAULT_GATES);
    expect(checkStageChange('shadow', 50, held)).toMatchObject({
      allowed: false,
      reason: '50% skips 5%: the plan goes one stage at a time',
    });
    const notYet = checkStageChange('shadow', 5, held);
    expect(notYet.allowed).toBe(false);
    expect(notYet.reason).toContain(
      'the gate to 5% says not yet: enough feedback (5 tickets with feedback, 200 needed)',
    );
    const lenient = pilotReport(CASE, 'shadow', {
      shadow: { minFeedback: 5, maxAccuracyLossPoints: 100, maxFalseBillingRate: 0.5, maxEscalationRate: 0.3 },
    });
    expect(checkStageChange('shadow', 5, lenient).allowed).toBe(true);
    expect(checkStageChange(50, 'shadow', held).allowed).toBe(true);
    expect(checkStageChange(5, 'off', held).allowed).toBe(true);
    expect(checkStageChange('off', 'shadow', held).allowed).toBe(true);
  });

  it('refuses feedback whose team contradicts its category', () => {
    expect(feedbackConflict({ category: 'billing', team: 'sales' }, TEAM)).toBe(
      'team sales contradicts category billing, whose team is billing_support by the routing table; send the category and the team that go together',
    );
    expect(feedbackConflict({ category: 'billing', team: 'billing_support' }, TEAM)).toBeNull();
  });
});
