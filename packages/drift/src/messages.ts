import { pct, type Comparison } from '@switchboard/eval';
import type { ProductionDrift } from './production-drift.js';

const pts = (x: number): string => `${x.toFixed(1)} points`;

function significance(c: Comparison, eval_rows: number): string {
  const test = `${c.test === 'mcnemar' ? 'paired McNemar test' : 'two-proportion test'}, p = ${c.pValue.toFixed(3)}`;
  if (c.significant) return `Statistically significant (${test}).`;
  return `Not statistically significant (${test}): with ${eval_rows} scored tickets, drops under ${pts(c.noiseFloorPoints)} can be noise. Check before acting; a bigger eval set makes this alert sharper.`;
}

function moved(c: Comparison): string {
  const fell = c.categories.filter((m) => m.deltaPoints <= -1);
  if (!fell.length) return 'No single category moved by a point or more.';
  return `Categories that moved: ${fell.map((m) => `${m.category} ${pct(m.baselineRecall, 0)} → ${pct(m.runRecall, 0)} recall (${m.deltaPoints.toFixed(0)} pts, ${m.support} tickets)`).join('; ')}.`;
}

export function dropAlert(model: string, c: Comparison, scored: number, baselineDate: string): string {
  return [
    `:warning: *Drift: ${model} fell ${pts(c.dropPoints)} on the eval set*: accuracy ${pct(c.baselineAccuracy)} → ${pct(c.runAccuracy)} (baseline of ${baselineDate.slice(0, 10)}).`,
    moved(c),
    significance(c, scored),
  ].join('\n');
}

export function fallbackOn(
  model: string,
  strongModel: string | null,
  c: Comparison,
  capUsd: number,
  fallbackPts: number,
): string {
  const target = strongModel ? `the strong tier (${strongModel})` : 'humans (no strong tier is configured)';
  return [
    `:rotating_light: *Fallback on: the cheap tier (${model}) is switched off for the classifier fleet.* It fell ${pts(c.dropPoints)}, more than ${fallbackPts}.`,
    `Tickets it would have answered now go to ${target}, within $${capUsd.toFixed(2)} of strong-tier spend per day; over that, unsure tickets go to humans.`,
    'It switches back after a drift run within a point of the baseline, or now with `pnpm ops fallback off`.',
  ].join('\n');
}

export function fallbackOff(model: string, c: Comparison): string {
  return `:white_check_mark: *Fallback off: the cheap tier (${model}) is back.* The latest eval run is at ${pct(c.runAccuracy)} against a baseline of ${pct(c.baselineAccuracy)}.`;
}

export function productionAlert(p: ProductionDrift, psiAlert: number): string {
  const hot = p.dimensions.filter((d) => d.alert);
  return [
    `:bar_chart: *Production traffic changed this week* (${p.ticketsAfter} tickets, ${p.ticketsBefore} the week before):`,
    ...hot.map((d) => `• ${d.dimension}: population stability ${d.psi.toFixed(2)} (alert above ${psiAlert})`),
  ].join('\n');
}
