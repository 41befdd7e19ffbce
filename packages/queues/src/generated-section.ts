/**
 * A part of a Markdown file that a generator owns, between `<!-- generated:<name>:start -->` and
 * `<!-- generated:<name>:end -->`. Pure string functions: the `pnpm run docs` script writes the section,
 * and a test reads it to fail when it is out of date.
 */
export const sectionMarkers = (name: string): { start: string; end: string } => ({
  start: `<!-- generated:${name}:start -->`,
  end: `<!-- generated:${name}:end -->`,
});

function locate(doc: string, name: string): { from: number; to: number } | undefined {
  const { start, end } = sectionMarkers(name);
  const at = doc.indexOf(start);
  const to = at < 0 ? -1 : doc.indexOf(end, at);
  return at < 0 || to < 0 ? undefined : { from: at + start.length, to };
}

/** The section's text without the line breaks next to its markers; undefined when a marker is missing. */
export function readGeneratedSection(doc: string, name: string): string | undefined {
  const at = locate(doc, name);
  return at
    ? doc
        .slice(at.from, at.to)
        .replace(/^\r?\n/, '')
        .replace(/\r?\n$/, '')
    : undefined;
}

/** The document with the section's text replaced; throws when the markers are missing. */
export function writeGeneratedSection(doc: string, name: string, body: string): string {
  const at = locate(doc, name);
  if (!at) {
    const { start, end } = sectionMarkers(name);
    throw new Error(`no ${start} … ${end} markers: add them where the generated text belongs`);
  }
  return `${doc.slice(0, at.from)}\n${body}\n${doc.slice(at.to)}`;
}
