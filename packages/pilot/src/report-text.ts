import { CATEGORIES, stageLabel } from '@switchboard/core';
import type { PilotReport, RouterFigures } from './report.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const ci = (x: { low: number; high: number }): string => `${pct(x.low)}–${pct(x.high)}`;

function routerLine(name: string, f: RouterFigures): string {
  return `| ${name} | ${f.judged} | ${pct(f.categoryAccuracy)} (${ci(f.categoryCi)}) | ${pct(f.teamAccuracy)} (${ci(f.teamCi)}) | ${f.falseBilling}/${f.billingRoutesJudged} (${pct(f.falseBillingRate)}) | $${f.costPerTicketUsd.mean.toFixed(5)} ($${f.costPerTicketUsd.low.toFixed(5)}–$${f.costPerTicketUsd.high.toFixed(5)}) | ${f.latencyMs.p50.toFixed(1)} / ${f.latencyMs.p95.toFixed(1)} ms |`;
}

/** The pilot report as Markdown: the CLI prints it and the weekly report embeds it. */
export function pilotMarkdown(r: PilotReport): string {
  const lines = [
    `Stage **${stageLabel(r.stage)}**: ${r.tickets} tickets (new router delivered ${r.deliveredBy.new}, legacy ${r.deliveredBy.legacy}), ${r.withFeedback} with feedback. The routers are compared on the ${r.compared} tickets without a critical word (no router may decide those; they count in the human load).`,
    '',
    '| router | judged | category accuracy (95% CI) | team accuracy (95% CI) | false billing routes | cost per ticket (95% CI) | latency p50 / p95 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    routerLine('new (cascade)', r.routers.new),
    routerLine('legacy (keywords)', r.routers.legacy),
    '',
    `Agreement between the routers: ${pct(r.agreementRate.overall)}. Escalation overrides: ${r.escalationOverrides.new} on new-router tickets, ${r.escalationOverrides.legacy} on legacy ones; with the new router alone people would get ${pct(r.newEscalationRate)} of tickets (${r.humanLoad.toPeople} of ${r.humanLoad.tickets}: ${r.humanLoad.guardrail} by the guardrail, critical words and suspected injection, ${r.humanLoad.router} by the router itself).`,
    '',
    `| legacy said ↓ / new said → | ${CATEGORIES.join(' | ')} | none | agree |`,
    `|---|${CATEGORIES.map(() => '---:').join('|')}|---:|---:|`,
    ...CATEGORIES.map(
      (c) =>
        `| ${c} | ${CATEGORIES.map((n) => String(r.agreement[c][n])).join(' | ')} | ${r.agreement[c].none} | ${pct(r.agreementRate.byLegacyCategory[c])} |`,
    ),
  ];
  if (r.gate) {
    lines.push('', `Gate to ${stageLabel(r.gate.next ?? 100)}: **${r.gate.justified ? 'justified' : 'not yet'}**`);
    for (const c of r.gate.checks) lines.push(`- ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  }
  if (r.disagreementsWithFeedback.length)
    lines.push(
      '',
      `${r.disagreementsWithFeedback.length} disagreements have feedback: export them as eval candidates with \`pnpm ops pilot candidates\`.`,
    );
  return lines.join('\n');
}
