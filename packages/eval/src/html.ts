import { escapeHtml } from '@switchboard/core';

/** Everything interpolated into a report goes through here: set paths and model names are outside input. */
export const esc = escapeHtml;

/** A self-contained page: inline style, no script, nothing fetched. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid #e2e6ee;text-align:right}
td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:2rem}.bad{color:#b42318;font-weight:600}
.ok{color:#067647}.muted{color:#667085}svg text{font:11px system-ui,sans-serif}
</style></head><body><h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

export const htmlTable = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

/** Horizontal bars, one per label, values 0..max. */
export function barChart(
  items: readonly { label: string; value: number; text: string }[],
  opts: { width?: number; max?: number; colour?: string } = {},
): string {
  const width = opts.width ?? 420;
  const max = opts.max ?? Math.max(1e-9, ...items.map((i) => i.value));
  const row = 22;
  const labelW = 110;
  const bars = items
    .map((it, i) => {
      const w = Math.max(0, ((width - labelW - 90) * it.value) / max);
      const y = i * row;
      return `<text x="0" y="${y + 15}">${esc(it.label)}</text><rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="14" fill="${opts.colour ?? '#3b6fd8'}"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${esc(it.text)}</text>`;
    })
    .join('');
  return `<svg role="img" width="${width}" height="${items.length * row + 4}" viewBox="0 0 ${width} ${items.length * row + 4}">${bars}</svg>`;
}
