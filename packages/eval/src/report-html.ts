import { CATEGORIES } from '@switchboard/core';
import type { Comparison } from './compare.js';
import { ms, pct, usd } from './format.js';
import { barChart, esc, htmlPage, htmlTable } from './html.js';
import { localPassedOnText, VIAS, type EvalMetrics, type ReliabilityBin } from './metrics.js';

function confusionSvg(m: EvalMetrics): string {
  const cols = [...CATEGORIES, 'none'] as const;
  const cell = 48;
  const left = 110;
  const top = 80;
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
    out += `<text x="18" y="${top + i * cell + cell / 2 + 4}">${esc(c)}</text>`;
    cols.forEach((p, j) => {
      const n = m.confusion[c][p];
      const share = n / rowMax(c);
      const colour =
        c === p ? `rgba(6,118,71,${0.15 + 0.85 * share})` : `rgba(180,35,24,${n ? 0.12 + 0.88 * share : 0})`;
      out += `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${colour}" stroke="#e2e6ee"/>`;
      out += `<text x="${left + j * cell + cell / 2 - 8}" y="${top + i * cell + cell / 2 + 4}">${n}</text>`;
    });
  });
  // Axis titles: which way is the truth and which the prediction is not obvious from the cells.
  out += `<text x="${left + (cols.length * cell) / 2 - 40}" y="12" font-weight="600">predicted category →</text>`;
  out += `<text transform="translate(10,${top + (CATEGORIES.length * cell) / 2 + 50}) rotate(-90)" font-weight="600">expected category ↓</text>`;
  const w = left + cols.length * cell + 10;
  const h = top + CATEGORIES.length * cell + 10;
  return `<svg role="img" aria-label="confusion matrix: rows expected category, columns predicted" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${out}</svg>`;
}

function reliabilitySvg(bins: readonly ReliabilityBin[]): string {
  const size = 260;
  const pad = 40;
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
  // Tick values on both axes, every 0.2: a curve without numbers cannot be read off.
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    out += `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(0) + 4}" stroke="#98a2b3"/><text x="${x(t) - 8}" y="${y(0) + 16}">${t.toFixed(1)}</text>`;
    out += `<line x1="${x(0) - 4}" y1="${y(t)}" x2="${x(0)}" y2="${y(t)}" stroke="#98a2b3"/><text x="${x(0) - 28}" y="${y(t) + 4}">${t.toFixed(1)}</text>`;
  }
  out += `<text x="${x(0.5) - 40}" y="${pad + size + 34}">confidence →</text><text transform="translate(${x(0) - 34},${y(0.5) + 30}) rotate(-90)">accuracy ↑</text><text x="${pad}" y="${pad - 10}">bars: tickets per bin</text>`;
  const W = size + 2 * pad + 20;
  const H = size + 2 * pad + 20;
  return `<svg role="img" aria-label="reliability diagram: accuracy against confidence" width="${W}" height="${H}" viewBox="-20 0 ${W} ${H}">${out}</svg>`;
}

/** One sentence a reader acts on: did this run hold up against the baseline? */
export function verdict(c: Comparison): { text: string; good: boolean } {
  const points = Math.abs(c.dropPoints).toFixed(1);
  if (!c.sameModel || !c.samePrompt)
    return { text: 'Not comparable: the baseline used another model or prompt version.', good: false };
  if (c.dropPoints > 0 && c.significant)
    return { text: `Worse than the baseline: ${points} points lower, more than noise.`, good: false };
  if (c.dropPoints < 0 && c.significant)
    return { text: `Better than the baseline: ${points} points higher, more than noise.`, good: true };
  return {
    text: `Holds: ${c.dropPoints > 0 ? `${points} points lower` : c.dropPoints < 0 ? `${points} points higher` : 'no change'}, within noise.`,
    good: true,
  };
}

const groupTable = (title: string, groups: Record<string, { scored: number; accuracy: number }>): string => {
  const rows = Object.entries(groups).sort((a, b) => b[1].scored - a[1].scored);
  return rows.length
    ? htmlTable(
        [title, 'scored', 'accuracy'],
        rows.map(([k, v]) => [esc(k), String(v.scored), pct(v.accuracy)]),
      )
    : `<p class="muted">The set has no ${esc(title)} labels.</p>`;
};

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
      ...(localPassedOnText(m) ? [['local tier passed on', esc(localPassedOnText(m))]] : []),
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
  const v = comparison ? verdict(comparison) : null;
  const cmp = comparison
    ? `<h2>Against the baseline</h2><p class="${v?.good ? 'ok' : 'bad'}" id="verdict"><strong>${esc(v?.text ?? '')}</strong></p>${htmlTable(
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
    : '<h2>Against the baseline</h2><p class="muted" id="verdict">No baseline to compare with.</p>';
  return htmlPage(
    title,
    `${summary}${cmp}
<h2>By language</h2>${groupTable('language', m.byLanguage)}
<h2>Hard cases</h2>${groupTable('hard case', m.byTag)}
<h2>Categories</h2><div class="grid"><div>${perCategory}</div><div>${confusionSvg(m)}</div></div>
<h2>Confidence against accuracy</h2><div class="grid"><div>${reliabilitySvg(m.reliability)}</div>
<div><p>Points on the dashed line mean a confidence of 0.8 is right 8 times in 10.</p><p>ECE ${m.ece.toFixed(3)}</p></div></div>
<h2>Who decided, and what it cost</h2><div class="grid"><div>${tiers}</div><div>${costChart}</div></div>`,
  );
}
