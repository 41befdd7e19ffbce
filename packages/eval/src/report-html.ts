import { CATEGORIES } from '@switchboard/core';
import type { Comparison } from './compare.js';
import { ms, pct, usd } from './format.js';
import { barChart, esc, htmlPage, htmlTable } from './html.js';
import { VIAS, type EvalMetrics, type ReliabilityBin } from './metrics.js';

function confusionSvg(m: EvalMetrics): string {
  const cols = [...CATEGORIES, 'none'] as const;
  const cell = 48;
  const left = 92;
  const top = 70;
  const rowMax = (c: (typeof CATEGORIES)[number]): number =>
    Math.max(
      1,
      cols.reduce((s, p) => s + m.confusion[c][p], 0),
    );
  let out = '';
  cols.forEach((p, j) => {
    out += `<text transform="translate(${left + j * cell + cell / 2},${top - 6}) rotate(-40)">${esc(p)}</text>`;
  });
  CATEGORIES.forEach((c, i) => {
    out += `<text x="0" y="${top + i * cell + cell / 2 + 4}">${esc(c)}</text>`;
    cols.forEach((p, j) => {
      const n = m.confusion[c][p];
      const share = n / rowMax(c);
      const colour =
        c === p ? `rgba(6,118,71,${0.15 + 0.85 * share})` : `rgba(180,35,24,${n ? 0.12 + 0.88 * share : 0})`;
      out += `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${colour}" stroke="#e2e6ee"/>`;
      out += `<text x="${left + j * cell + cell / 2 - 8}" y="${top + i * cell + cell / 2 + 4}">${n}</text>`;
    });
  });
  const w = left + cols.length * cell + 10;
  const h = top + CATEGORIES.length * cell + 10;
  return `<svg role="img" aria-label="confusion matrix" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${out}</svg>`;
}

function reliabilitySvg(bins: readonly ReliabilityBin[]): string {
  const size = 260;
  const pad = 30;
  const x = (v: number): number => pad + v * size;
  const y = (v: number): number => pad + (1 - v) * size;
  const used = bins.filter((b) => b.n > 0);
  const maxN = Math.max(1, ...used.map((b) => b.n));
  let out = `<rect x="${pad}" y="${pad}" width="${size}" height="${size}" fill="none" stroke="#c9d1de"/>`;
  out += `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#98a2b3" stroke-dasharray="4 3"/>`;
  for (const b of used) {
    const h = (size * 0.25 * b.n) / maxN;
    out += `<rect x="${x(b.from) + 2}" y="${y(0) - h}" width="${size / 10 - 4}" height="${h}" fill="#d0dcf5"/>`;
  }
  out += `<polyline fill="none" stroke="#3b6fd8" stroke-width="2" points="${used.map((b) => `${x(b.meanConfidence).toFixed(1)},${y(b.accuracy).toFixed(1)}`).join(' ')}"/>`;
  for (const b of used)
    out += `<circle cx="${x(b.meanConfidence).toFixed(1)}" cy="${y(b.accuracy).toFixed(1)}" r="3" fill="#3b6fd8"/>`;
  out += `<text x="${pad}" y="${pad + size + 18}">confidence →</text><text x="2" y="${pad - 10}">accuracy ↑ (bars: tickets per bin)</text>`;
  return `<svg role="img" aria-label="reliability diagram" width="${size + 2 * pad}" height="${size + 2 * pad}" viewBox="0 0 ${size + 2 * pad} ${size + 2 * pad}">${out}</svg>`;
}

/** The run as a self-contained HTML page with its charts, for a browser or an attachment. */
export function htmlReport(
  title: string,
  m: EvalMetrics,
  meta: Record<string, string>,
  comparison?: Comparison,
): string {
  const summary = htmlTable(
    ['figure', 'value'],
    [
      ...Object.entries(meta).map(([k, v]) => [esc(k), esc(v)]),
      ['tickets (scored)', `${m.rows} (${m.scored})`],
      [
        'category accuracy',
        `${pct(m.accuracy)} <span class="muted">95% CI ${pct(m.accuracyCi95.low)}–${pct(m.accuracyCi95.high)}</span>`,
      ],
      ['macro-F1', m.macroF1.toFixed(3)],
      ['priority accuracy', pct(m.priorityAccuracy)],
      [
        'escalation precision / recall',
        m.escalation ? `${pct(m.escalation.precision)} / ${pct(m.escalation.recall)}` : '—',
      ],
      ['ECE', m.ece.toFixed(3)],
      ['cost per 1,000 tickets', usd(m.costPer1k)],
      ['latency p50 / p95', `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)}`],
    ],
  );
  const perCategory = htmlTable(
    ['category', 'support', 'precision', 'recall', 'F1'],
    CATEGORIES.map((c) => {
      const p = m.perCategory[c];
      return [c, String(p.support), pct(p.precision), pct(p.recall), p.f1.toFixed(3)];
    }),
  );
  const tiers = barChart(
    VIAS.map((v) => ({ label: v, value: m.tierShare[v], text: pct(m.tierShare[v]) })),
    { max: 1 },
  );
  const costs = Object.entries(m.costByModel);
  const costChart = costs.length
    ? barChart(
        costs.map(([model, v]) => ({ label: model, value: v, text: usd((v / Math.max(1, m.rows)) * 1000) + ' /1k' })),
        { colour: '#b54708' },
      )
    : '<p class="muted">No paid model was called.</p>';
  const cmp = comparison
    ? `<h2>Against the baseline</h2>${htmlTable(
        ['figure', 'value'],
        [
          ['accuracy', `${pct(comparison.baselineAccuracy)} → ${pct(comparison.runAccuracy)}`],
          [
            'change',
            `<span class="${comparison.dropPoints > 0 && comparison.significant ? 'bad' : 'ok'}">${(-comparison.dropPoints).toFixed(1)} points</span>`,
          ],
          [
            'test',
            `${comparison.test}, p = ${comparison.pValue.toFixed(3)} (${comparison.significant ? 'significant' : 'within noise'}); drops under ${comparison.noiseFloorPoints.toFixed(1)} points can be noise at this set size`,
          ],
        ],
      )}`
    : '';
  return htmlPage(
    title,
    `${summary}${cmp}
<h2>Categories</h2><div class="grid"><div>${perCategory}</div><div>${confusionSvg(m)}</div></div>
<h2>Confidence against accuracy</h2><div class="grid"><div>${reliabilitySvg(m.reliability)}</div>
<div><p>Points on the dashed line mean a confidence of 0.8 is right 8 times in 10.</p><p>ECE ${m.ece.toFixed(3)}</p></div></div>
<h2>Who decided, and what it cost</h2><div class="grid"><div>${tiers}</div><div>${costChart}</div></div>`,
  );
}
