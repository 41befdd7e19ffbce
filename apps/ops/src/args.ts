import { parseArgs } from 'node:util';

/** `--name value` options; unknown options are an error that names them. */
export function options<const K extends string>(
  argv: readonly string[],
  names: readonly K[],
): Partial<Record<K, string>> {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  return values as Partial<Record<K, string>>;
}
