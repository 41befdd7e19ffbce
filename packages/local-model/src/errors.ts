/** A model file that cannot be used: unreadable, malformed, from another format version, or with labels outside the taxonomy. */
export class LocalModelFileError extends Error {
  override readonly name = 'LocalModelFileError';

  constructor(
    readonly source: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`local model file ${source}: ${problem}`, options);
  }
}

/** Labelled tickets that cannot be read: names the file and every bad row by line number. */
export class LabelledDataError extends Error {
  override readonly name = 'LabelledDataError';

  constructor(
    readonly source: string,
    readonly problems: readonly { line: number; message: string }[],
  ) {
    const shown = problems.slice(0, 20).map((p) => `  line ${p.line}: ${p.message}`);
    const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
    super([`${source}: ${problems.length} bad row(s)`, ...shown, ...more].join('\n'));
  }
}
