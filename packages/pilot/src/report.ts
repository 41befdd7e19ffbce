import {
  CATEGORIES,
  meanInterval,
  quantile,
  wilsonInterval,
  type Category,
  type RolloutStage,
} from '@switchboard/core';
import { gateKey, nextStage, type GateConfig } from './gate.js';
import type { PilotTicket } from './rows.js';

type Interval = { low: number; high: number };

export interface RouterFigures {
  /** Tickets with feedback on which this router gave an answer. */
  judged: number;
  categoryCorrect: number;
  categoryAccuracy: number | null;
  categoryCi: Interval;
  teamCorrect: number;
  teamAccuracy: number | null;
  teamCi: Interval;
  /** Routed to billing_support by this router, and moved to another team by feedback. */
  falseBilling: number;
  billingRoutesJudged: number;
  falseBillingRate: number | null;
  costPerTicketUsd: { mean: number; low: number; high: number };
  latencyMs: { mean: number; low: number; high: number; p50: number; p95: number };
}

export interface GateCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PilotReport {
  stage: RolloutStage;
  tickets: number;
  deliveredBy: { new: number; legacy: number };
  withFeedback: number;
  /** Tickets the routers are compared on: all but critical ones, which no router may decide. */
  compared: number;
  /** agreement[legacy category][new category or none]: how the two routers compare, per category. */
  agreement: Record<Category, Record<Category | 'none', number>>;
  agreementRate: { overall: number | null; byLegacyCategory: Record<Category, number | null> };
  routers: { new: RouterFigures; legacy: RouterFigures };
  /** Tickets the escalation guardrail sent to a person instead of the router's team, by delivering router. */
  escalationOverrides: { new: number; legacy: number };
  /**
   * Share of all tickets people would get with the new router alone: its own escalations plus the
   * guardrail's (critical words, suspected injection), which go to people whichever router decides.
   */
  newEscalationRate: number | null;
  /** What makes up that share, in tickets. */
  humanLoad: { tickets: number; toPeople: number; guardrail: number; router: number };
  /** Disagreements where feedback says who was right: candidate eval items. */
  disagreementsWithFeedback: string[];
  gate: { next: RolloutStage | null; justified: boolean; checks: GateCheck[] } | null;
}

const rate = (k: number, n: number): number | null => (n === 0 ? null : k / n);
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function routerFigures(tickets: readonly PilotTicket[], which: 'new' | 'legacy'): RouterFigures {
  const answer = (t: PilotTicket): { category: Category; team: string } | null => (which === 'new' ? t.next : t.legacy);
  const judged = tickets.filter((t) => t.feedback && answer(t));
  const categoryCorrect = judged.filter((t) => answer(t)?.category === t.feedback?.category).length;
  const teamCorrect = judged.filter((t) => answer(t)?.team === t.feedback?.team).length;
  const billing = judged.filter((t) => answer(t)?.team === 'billing_support');
  const falseBilling = billing.filter((t) => t.feedback?.team !== 'billing_support').length;
  const costs = tickets.map((t) => (which === 'new' ? t.newCostUsd : 0));
  const latencies = tickets.map((t) => (which === 'new' ? t.newLatencyMs : t.legacyLatencyMs));
  const cost = meanInterval(costs);
  const lat = meanInterval(latencies);
  return {
    judged: judged.length,
    categoryCorrect,
    categoryAccuracy: rate(categoryCorrect, judged.length),
    categoryCi: wilsonInterval(categoryCorrect, judged.length),
    teamCorrect,
    teamAccuracy: rate(teamCorrect, judged.length),
    teamCi: wilsonInterval(teamCorrect, judged.length),
    falseBilling,
    billingRoutesJudged: billing.length,
    falseBillingRate: rate(falseBilling, billing.length),
    costPerTicketUsd: { mean: cost.mean, low: Math.max(0, cost.low), high: cost.high },
    latencyMs: {
      mean: lat.mean,
      low: Math.max(0, lat.low),
      high: lat.high,
      p50: latencies.length ? quantile(latencies, 0.5) : 0,
      p95: latencies.length ? quantile(latencies, 0.95) : 0,
    },
  };
}

/**
 * The pilot's figures over one window of tickets. Critical tickets are left out of the router
 * comparison (neither router may decide them) but count in the ticket totals and in the human load.
 */
export function pilotReport(all: readonly PilotTicket[], stage: RolloutStage, gates: GateConfig): PilotReport {
  const compared = all.filter((t) => !t.critical);
  const agreement = Object.fromEntries(
    CATEGORIES.map((c) => [c, Object.fromEntries([...CATEGORIES, 'none'].map((n) => [n, 0]))]),
  ) as PilotReport['agreement'];
  for (const t of compared) agreement[t.legacy.category][t.next?.category ?? 'none']++;
  const byLegacyCategory = Object.fromEntries(
    CATEGORIES.map((c) => {
      const row = agreement[c];
      const total = CATEGORIES.reduce((s, n) => s + row[n], row.none);
      return [c, rate(row[c], total)];
    }),
  ) as Record<Category, number | null>;
  const agreed = compared.filter((t) => t.next?.category === t.legacy.category).length;
  const routers = { new: routerFigures(compared, 'new'), legacy: routerFigures(compared, 'legacy') };
  // What people would get from the new router alone: every ticket, critical ones included (they go
  // to the desk too), the guardrail's escalations plus the router's own, whoever delivered.
  const guardrail = all.filter((t) => t.guardrailEscalation).length;
  const routerOwn = all.filter((t) => !t.guardrailEscalation && t.newWouldEscalate).length;
  const report: PilotReport = {
    stage,
    tickets: all.length,
    deliveredBy: {
      new: all.filter((t) => t.deliveredBy === 'new').length,
      legacy: all.filter((t) => t.deliveredBy === 'legacy').length,
    },
    withFeedback: compared.filter((t) => t.feedback).length,
    compared: compared.length,
    agreement,
    agreementRate: { overall: rate(agreed, compared.length), byLegacyCategory },
    routers,
    escalationOverrides: {
      new: all.filter((t) => t.deliveredBy === 'new' && t.route.escalated).length,
      legacy: all.filter((t) => t.deliveredBy === 'legacy' && t.route.escalated).length,
    },
    newEscalationRate: rate(guardrail + routerOwn, all.length),
    humanLoad: { tickets: all.length, toPeople: guardrail + routerOwn, guardrail, router: routerOwn },
    disagreementsWithFeedback: compared
      .filter((t) => t.feedback && t.next && t.next.category !== t.legacy.category)
      .map((t) => t.ticketId),
    gate: null,
  };
  report.gate = gate(report, stage, gates);
  return report;
}

function gate(r: PilotReport, stage: RolloutStage, gates: GateConfig): PilotReport['gate'] {
  const next = nextStage(stage);
  const key = gateKey(stage);
  const rule = key === null ? undefined : gates[key];
  if (next === null || !rule)
    return next === null
      ? null
      : {
          next,
          justified: false,
          checks: [
            { name: 'gate configured', ok: false, detail: `no gate is configured for leaving stage ${String(stage)}` },
          ],
        };
  const n = r.routers.new;
  const l = r.routers.legacy;
  const checks: GateCheck[] = [
    {
      name: 'enough feedback',
      ok: r.withFeedback >= rule.minFeedback,
      detail: `${r.withFeedback} tickets with feedback, ${rule.minFeedback} needed`,
    },
    {
      name: 'accuracy holds',
      ok:
        n.categoryAccuracy !== null &&
        l.categoryAccuracy !== null &&
        n.categoryCi.low >= l.categoryAccuracy - rule.maxAccuracyLossPoints / 100,
      detail: `new ${pct(n.categoryAccuracy)} (95% CI from ${pct(n.categoryCi.low)}) against legacy ${pct(l.categoryAccuracy)}, at most ${rule.maxAccuracyLossPoints} points lower allowed`,
    },
    {
      name: 'few false billing routes',
      ok: (n.falseBillingRate ?? 0) <= rule.maxFalseBillingRate,
      detail: `${n.falseBilling} of ${n.billingRoutesJudged} billing routes corrected (${pct(n.falseBillingRate)}), at most ${pct(rule.maxFalseBillingRate)}`,
    },
    {
      name: 'human load',
      ok: (r.newEscalationRate ?? 0) <= rule.maxEscalationRate,
      detail: `${pct(r.newEscalationRate)} of tickets to a person (${r.humanLoad.guardrail} by the guardrail, ${r.humanLoad.router} by the router, of ${r.humanLoad.tickets}), at most ${pct(rule.maxEscalationRate)}`,
    },
  ];
  return { next, justified: checks.every((c) => c.ok), checks };
}
