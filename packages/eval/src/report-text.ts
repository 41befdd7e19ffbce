import { CATEGORIES } from '@switchboard/core';
import type { Comparison } from './compare.js';
import { ms, pct, table, usd } from './format.js';
import { localPassedOnText, VIAS, type EvalMetrics } from './metrics.js';

/** The run as a person reads it in a terminal. */
export function textReport(title: string, m: EvalMetrics, comparison?: Comparison): string {
  const out: string[] = [title, ''];
  out.push(
    table(
      ['figure', 'value'],
      [
        ['tickets (scored, critical left out)', `${m.rows} (${m.scored})`],
        ['category accuracy', `${pct(m.accuracy)}  95% CI ${pct(m.accuracyCi95.low)}–${pct(m.accuracyCi95.high)}`],
        ['macro-F1', m.macroF1.toFixed(3)],
        ['priority accuracy', pct(m.priorityAccuracy)],
        [
          'escalation precision / recall',
          m.escalation
            ? `${pct(m.escalation.precision)} / ${pct(m.escalation.recall)}`
            : '— (set has no escalation labels)',
        ],
        ['calibration error (ECE)', m.ece.toFixed(3)],
        ['cost per 1,000 tickets', usd(m.costPer1k)],
        ['latency p50 / p95', `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)}`],
        [
          'decided by',
          VIAS.filter((v) => m.tierShare[v] > 0)
            .map((v) => `${v} ${pct(m.tierShare[v])}`)
            .join(' · '),
        ],
        ...(localPassedOnText(m) ? [['local tier passed on', localPassedOnText(m)]] : []),
      ],
    ),
  );
  out.push(
    '',
    table(
      ['category', 'support', 'precision', 'recall', 'F1'],
      CATEGORIES.map((c) => {
        const p = m.perCategory[c];
        return [c, String(p.support), pct(p.precision), pct(p.recall), p.f1.toFixed(3)];
      }),
    ),
  );
  out.push('', 'confusion (rows: expected, columns: predicted)');
  out.push(
    table(
      ['', ...CATEGORIES.map((c) => c.slice(0, 6)), 'none'],
      CATEGORIES.map((c) => [c, ...CATEGORIES.map((p) => String(m.confusion[c][p])), String(m.confusion[c].none)]),
    ),
  );
  const langs = Object.entries(m.byLanguage);
  if (langs.length > 1)
    out.push(
      '',
      table(
        ['language', 'scored', 'accuracy'],
        langs.map(([l, v]) => [l, String(v.scored), pct(v.accuracy)]),
      ),
    );
  const tags = Object.entries(m.byTag);
  if (tags.length)
    out.push(
      '',
      table(
        ['hard case', 'scored', 'accuracy'],
        tags.map(([t, v]) => [t, String(v.scored), pct(v.accuracy)]),
      ),
    );
  if (comparison) out.push('', comparisonText(comparison));
  return out.join('\n');
}

export function comparisonText(c: Comparison): string {
  const lines = [
    `against baseline: ${pct(c.baselineAccuracy)} → ${pct(c.runAccuracy)} (${c.dropPoints >= 0 ? '−' : '+'}${Math.abs(c.dropPoints).toFixed(1)} points, ${c.test} p=${c.pValue.toFixed(3)}${c.significant ? ', significant' : ', within noise'})`,
  ];
  if (!c.sameSet) lines.push('note: the baseline was measured on a different set; the comparison is unpaired');
  if (!c.sameModel || !c.samePrompt) lines.push('note: the baseline used a different model or prompt version');
  const moved = c.categories.filter((m) => Math.abs(m.deltaPoints) >= 1);
  if (moved.length)
    lines.push(
      `categories that moved: ${moved.map((m) => `${m.category} ${pct(m.baselineRecall, 0)}→${pct(m.runRecall, 0)}`).join(', ')}`,
    );
  return lines.join('\n');
}
