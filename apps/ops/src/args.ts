import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in `--help`, e.g. `<file.jsonl>`; strings only. */
  value?: string;
  required?: boolean;
  description: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** As typed after `pnpm ops`, e.g. `pilot report`. */
  command: string;
  summary: string;
  /** Positional arguments as shown in usage, e.g. `<run.json>`; none when absent. */
  positionals?: string;
  options: O;
}

/** A command line that cannot be run; printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

type ValueOf<T extends OptionSpec> = T['type'] extends 'boolean' ? boolean : string;
export type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['required'] extends true ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

const flagText = (name: string, o: OptionSpec): string =>
  `--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;

/** One line: `pnpm ops eval --set <file> [--json]`. */
export function usageLine(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([n, o]) => (o.required ? flagText(n, o) : `[${flagText(n, o)}]`));
  return ['pnpm ops', spec.command, spec.positionals, ...opts].filter(Boolean).join(' ');
}

/** What `--help` prints. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([n, o]) => [flagText(n, o), o.description] as const);
  rows.push(['--help, -h', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
  ].join('\n');
}

/**
 * Parses a command's arguments with node's parseArgs: booleans take no value, an unknown option or
 * a missing required one is a UsageError. Undefined when `--help` was asked for (the help is printed).
 */
export function parseCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  print: (text: string) => void = console.log,
): { values: Values<O>; positionals: string[] } | undefined {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(
          Object.entries(spec.options).map(([n, o]) => [n, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: spec.positionals !== undefined,
    });
  } catch (err) {
    throw new UsageError(`${spec.command}: ${(err as Error).message}`, usageLine(spec));
  }
  if (parsed.values.help === true) {
    print(helpText(spec));
    return undefined;
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && parsed.values[name] === undefined)
      throw new UsageError(`${spec.command}: --${name} is required`, usageLine(spec));
  }
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/** A number option: undefined stays undefined, anything else must be a finite number. */
export function numberOption(spec: CommandSpec, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number`, usageLine(spec));
  return n;
}
