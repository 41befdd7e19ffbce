import {
  barChart,
  esc,
  htmlPage,
  htmlTable,
  localPassedOnText,
  pct,
  usd,
  type Comparison,
  type EvalMetrics,
} from '@switchboard/eval';
import type { DayCounters, FallbackState } from '@switchboard/queues';
import type { DriftConfig } from './config.js';
import { counts, type ProductionDrift } from './production-drift.js';
import { freeTierSection, type FreeTierWeek } from './free-tier-section.js';
import type { Section } from './report-section.js';

export interface WeeklyInputs {
  from: Date;
  to: Date;
  model: string;
  metrics: EvalMetrics;
  comparison: Comparison | null;
  /** Why there is no comparison, or why it should be read with care. */
  baselineNote: string | null;
  production: ProductionDrift;
  /** This week's traffic counters, summed over the days. */
  week: DayCounters;
  tierTargets: DriftConfig['tierTargets'];
  fallback: FallbackState | null;
  actions: string[];
  /** The pilot section (Markdown) and its one-line summary, while a pilot runs. */
  pilot?: { markdown: string; summary: string } | null;
  /** Spot-check agreement and the live guard's actions; absent, the section is left out. */
  freeTier?: FreeTierWeek | null;
  /** The current week from Monday 00:00 UTC until the report ran: not in the week's figures. */
  soFar?: { from: Date; to: Date; counters: DayCounters } | null;
  /** Commands and file paths for engineers, kept out of the manager's sections. */
  appendix?: string[];
}

const NO_DATA = 'no data';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon 16 Nov 2026 00:00 UTC`: a window's ends, exactly, with the day a manager plans by. */
export function utcStamp(d: Date): string {
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hh}:${mm} UTC`;
}

/** The report's title: the exact window, start included, end excluded. */
export function weeklyTitle(w: Pick<WeeklyInputs, 'from' | 'to'>): string {
  return `Switchboard weekly report, ${utcStamp(w.from)} to ${utcStamp(w.to)}`;
}

function windowLine(w: WeeklyInputs): string {
  const days = Math.round((w.to.getTime() - w.from.getTime()) / 86_400_000);
  return `Covers ${days} whole days, from ${utcStamp(w.from)} up to (not including) ${utcStamp(w.to)}. ${
    w.soFar ? 'The current week so far is reported apart, at the end.' : ''
  }`.trim();
}

const sortDesc = (r: Record<string, number>): [string, number][] => Object.entries(r).sort((a, b) => b[1] - a[1]);

/** Everything the support manager reads, as data; Markdown, HTML and Slack render the same sections. */
function sections(w: WeeklyInputs): Section[] {
  const tickets = w.week.tickets ?? 0;
  const c = w.comparison;
  const via = counts(w.week, 'via');
  const share = (n: number | undefined): string => (tickets ? pct((n ?? 0) / tickets) : NO_DATA);
  const costs = counts(w.week, 'cost');
  const calls = counts(w.week, 'calls');
  const hours = sortDesc(counts(w.week, 'hour'));
  const days = Math.max(1, Math.round((w.to.getTime() - w.from.getTime()) / 86_400_000));
  return [
    {
      title: 'Eval set drift',
      header: ['figure', 'value'],
      rows: [
        ['model checked', w.model],
        [
          'accuracy this run',
          w.metrics.scored
            ? `${pct(w.metrics.accuracy)} (95% CI ${pct(w.metrics.accuracyCi95.low)}–${pct(w.metrics.accuracyCi95.high)}, ${w.metrics.scored} tickets)`
            : NO_DATA,
        ],
        ...(localPassedOnText(w.metrics) ? [['local tier passed on', localPassedOnText(w.metrics)]] : []),
        ['baseline', c ? pct(c.baselineAccuracy) : '—'],
        [
          'change',
          c
            ? `${(-c.dropPoints).toFixed(1)} points (${c.significant ? 'significant' : 'within noise'}, p = ${c.pValue.toFixed(3)})`
            : '—',
        ],
        [
          'categories that fell',
          c
            ? c.categories
                .filter((m) => m.deltaPoints <= -1)
                .map((m) => `${m.category} ${m.deltaPoints.toFixed(0)} pts`)
                .join(', ') || 'none'
            : '—',
        ],
        [
          'cheap-tier fallback',
          w.fallback ? `ON since ${w.fallback.since.slice(0, 16)} (${w.fallback.by}: ${w.fallback.reason})` : 'off',
        ],
        ['actions this run', w.actions.join(', ') || 'none'],
      ],
      note: w.baselineNote ?? undefined,
    },
    {
      title: 'Production drift (this week against last)',
      header: ['dimension', 'stability index', 'status'],
      // With too few tickets a stability index says nothing: "stable" would be a claim without data.
      rows: w.production.dimensions.map((d) =>
        w.production.enoughTraffic
          ? [d.dimension, d.psi.toFixed(3), d.alert ? 'ALERT' : d.psi > 0.1 ? 'moved' : 'stable']
          : [d.dimension, '—', NO_DATA],
      ),
      note: w.production.enoughTraffic
        ? undefined
        : `Too little traffic to compare (${w.production.ticketsAfter} tickets this week, ${w.production.ticketsBefore} the week before).`,
    },
    {
      title: 'Escalations by reason',
      header: ['reason', 'tickets'],
      rows: sortDesc(counts(w.week, 'reason')).map(([r, n]) => [r, String(n)]),
      note: `${tickets ? `${w.week.escalated ?? 0} of ${tickets} tickets went to a human (${share(w.week.escalated)})` : 'No tickets finished in this window'}; ${
        w.week['human:resolved'] === undefined
          ? 'no review-desk resolutions were recorded this week.'
          : `humans changed the machine's suggestion on ${w.week['human:override'] ?? 0} of the ${w.week['human:resolved']} they resolved.`
      }`,
    },
    {
      title: 'Tier split against target',
      header: ['decided by', 'share', 'target'],
      rows: [
        ['rule', share(via.rule), pct(w.tierTargets.rule, 0)],
        ['local', share(via.local), '—'],
        ['cheap', share(via.cheap), pct(w.tierTargets.cheap, 0)],
        ['strong', share(via.strong), pct(w.tierTargets.strong, 0)],
        ...(via.legacy ? [['legacy router (pilot control)', share(via.legacy), '—']] : []),
        ['human', share(via.human), '—'],
      ],
    },
    {
      title: 'Cost per model',
      header: ['model', 'calls', 'cost', 'per 1,000 tickets'],
      rows: Object.keys({ ...calls, ...costs }).map((m) => [
        m,
        String(calls[m] ?? 0),
        usd(costs[m] ?? 0),
        usd(tickets ? ((costs[m] ?? 0) / tickets) * 1000 : 0),
      ]),
    },
    {
      title: 'Throughput',
      header: ['figure', 'value'],
      rows: [
        ['tickets finished', String(tickets)],
        ['per day', tickets ? (tickets / days).toFixed(0) : NO_DATA],
        ['busiest hour (UTC)', hours[0] ? `${hours[0][0]}:00 (${hours[0][1]} tickets)` : NO_DATA],
      ],
    },
    ...(w.freeTier ? [freeTierSection(w.freeTier)] : []),
    ...(w.soFar ? [soFarSection(w.soFar)] : []),
  ];
}

function soFarSection(s: NonNullable<WeeklyInputs['soFar']>): Section {
  const c = s.counters;
  const n = c.tickets ?? 0;
  const via = counts(c, 'via');
  const split = (['rule', 'local', 'cheap', 'strong', 'legacy', 'human'] as const)
    .filter((v) => via[v])
    .map((v) => `${v} ${pct((via[v] ?? 0) / n)}`)
    .join(' · ');
  return {
    title: 'So far this week',
    header: ['figure', 'value'],
    rows: [
      ['window', `${utcStamp(s.from)} to ${utcStamp(s.to)}`],
      ['tickets finished', String(n)],
      ['went to a person', n ? `${c.escalated ?? 0} (${pct((c.escalated ?? 0) / n)})` : NO_DATA],
      ['resolved at the review desk', String(c['human:resolved'] ?? 0)],
      ['decided by', split || NO_DATA],
    ],
    note: 'Not in the figures above: the week is not over yet.',
  };
}

const mdTable = (s: Section): string =>
  [
    `| ${s.header.join(' | ')} |`,
    `|${s.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...s.rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`),
  ].join('\n');

export function weeklyMarkdown(w: WeeklyInputs): string {
  const title = `# ${weeklyTitle(w)}\n\n${windowLine(w)}`;
  const pilot = w.pilot ? [`## Pilot against the legacy router\n\n${w.pilot.markdown}`] : [];
  const appendix = w.appendix?.length
    ? [`## Appendix for engineers\n\n${w.appendix.map((l) => `- ${l}`).join('\n')}`]
    : [];
  return `${[title, ...sections(w).map((s) => `## ${s.title}\n\n${s.rows.length ? mdTable(s) : '_none_'}${s.note ? `\n\n${s.note}` : ''}`), ...pilot, ...appendix].join('\n\n')}\n`;
}

export function weeklyHtml(w: WeeklyInputs): string {
  const body = sections(w)
    .map(
      (s) =>
        `<h2>${esc(s.title)}</h2>${
          s.rows.length
            ? htmlTable(
                s.header,
                s.rows.map((r) =>
                  r.map((c) =>
                    c === 'ALERT'
                      ? '<span class="bad">ALERT</span>'
                      : c === NO_DATA
                        ? `<span class="muted">${NO_DATA}</span>`
                        : esc(c),
                  ),
                ),
              )
            : '<p class="muted">none</p>'
        }${s.note ? `<p>${esc(s.note)}</p>` : ''}`,
    )
    .join('\n');
  const tickets = w.week.tickets ?? 0;
  const via = counts(w.week, 'via');
  const chart = barChart(
    ['rule', 'local', 'cheap', 'strong', 'human'].map((v) => ({
      label: v,
      value: tickets ? (via[v] ?? 0) / tickets : 0,
      text: pct(tickets ? (via[v] ?? 0) / tickets : 0),
    })),
    { max: 1 },
  );
  const pilot = w.pilot
    ? `<h2>Pilot against the legacy router</h2><pre style="white-space:pre-wrap">${esc(w.pilot.markdown)}</pre>`
    : '';
  const appendix = w.appendix?.length
    ? `<h2>Appendix for engineers</h2><ul class="muted">${w.appendix.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
    : '';
  return htmlPage(
    weeklyTitle(w),
    `<p>${esc(windowLine(w))}</p>${body}<h2>Tier split</h2>${tickets ? chart : '<p class="muted">no data</p>'}${pilot}${appendix}`,
  );
}

/** The Slack version: the headline figures, with the stored report for the rest. */
export function weeklySlack(w: WeeklyInputs, reportPath: string): string {
  const c = w.comparison;
  const tickets = w.week.tickets ?? 0;
  const via = counts(w.week, 'via');
  const split = (['rule', 'local', 'cheap', 'strong', 'legacy', 'human'] as const)
    .filter((v) => v !== 'legacy' || via.legacy)
    .map((v) => `${v} ${pct(tickets ? (via[v] ?? 0) / tickets : 0, 0)}`)
    .join(' · ');
  const cost = Object.values(counts(w.week, 'cost')).reduce((a, b) => a + b, 0);
  return [
    `:memo: *Switchboard weekly report* (${utcStamp(w.from)} to ${utcStamp(w.to)})`,
    `Eval: ${w.model} at ${pct(w.metrics.accuracy)}${c ? ` (baseline ${pct(c.baselineAccuracy)}, ${(-c.dropPoints).toFixed(1)} pts)` : ''}. Fallback ${w.fallback ? 'ON' : 'off'}.`,
    `Traffic: ${tickets} tickets, ${w.week.escalated ?? 0} to humans; split ${split} (target rule ${pct(w.tierTargets.rule, 0)} / cheap ${pct(w.tierTargets.cheap, 0)} / strong ${pct(w.tierTargets.strong, 0)}); model cost ${usd(cost)}.`,
    `Production drift: ${
      w.production.dimensions
        .filter((d) => d.alert)
        .map((d) => d.dimension)
        .join(', ') || 'none'
    }${w.production.enoughTraffic ? '' : ' (too little traffic to judge)'}.`,
    ...(w.pilot ? [`Pilot: ${w.pilot.summary}`] : []),
    ...(w.soFar
      ? [
          `So far this week (since ${utcStamp(w.soFar.from)}): ${w.soFar.counters.tickets ?? 0} tickets, ${w.soFar.counters.escalated ?? 0} to humans.`,
        ]
      : []),
    `Full report: ${reportPath}`,
  ].join('\n');
}
