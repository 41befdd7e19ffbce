/** One line of the results table: a measured figure, the target for it and the verdict. */
export interface ResultRow {
  scenario: string;
  metric: string;
  value: string;
  target?: string;
  /** undefined: a figure reported for information, with no target to pass or fail. */
  pass?: boolean;
}

const verdict = (pass: boolean | undefined): string => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');

/** A plain-text table padded per column, so it reads the same in a terminal and in a CI log. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'metric', 'value', 'target', 'result'];
  const cells = rows.map((r) => [r.scenario, r.metric, r.value, r.target ?? '', verdict(r.pass)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Fixed decimals for display; NaN (no sample) shows as a dash rather than a misleading 0. */
export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
