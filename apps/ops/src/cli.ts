import type { Logger, Scope } from '@switchboard/runtime';
import { usageLine, UsageError, type CommandSpec } from './args.js';

export interface OpsContext {
  logger: Logger;
  /** What a command opens registers its close here; closed when the command ends. */
  scope: Scope;
  /** A path typed on the command line, resolved against the directory the user typed it in. */
  userPath: (p: string) => string;
  env: Record<string, string | undefined>;
  print: (text: string) => void;
}

export interface Command {
  spec: CommandSpec;
  run(argv: readonly string[], ctx: OpsContext): Promise<void>;
}

export interface CommandGroup {
  command: string;
  summary: string;
  subcommands: Record<string, Command>;
}

export type Entry = Command | CommandGroup;

const isGroup = (e: Entry): e is CommandGroup => 'subcommands' in e;
const wantsHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

function groupHelp(g: CommandGroup): string {
  const lines = Object.values(g.subcommands).map((c) => `  ${usageLine(c.spec)}\n      ${c.spec.summary}`);
  return [`${g.summary}\n`, ...lines, `\n\`pnpm ops ${g.command} <subcommand> --help\` for one.`].join('\n');
}

export function overview(entries: Record<string, Entry>): string {
  const lines = Object.values(entries).flatMap((e) =>
    isGroup(e) ? Object.values(e.subcommands).map((c) => `  ${usageLine(c.spec)}`) : [`  ${usageLine(e.spec)}`],
  );
  return `usage:\n${lines.join('\n')}\n\n\`pnpm ops <command> --help\` for one.`;
}

/** Finds the command argv names and runs it; `--help` at any level prints that level's help. */
export async function dispatch(
  argv: readonly string[],
  entries: Record<string, Entry>,
  ctx: OpsContext,
): Promise<void> {
  const [name, ...rest] = argv;
  if (wantsHelp(name)) return ctx.print(overview(entries));
  const entry = name === undefined ? undefined : entries[name];
  if (!entry) throw new UsageError(name ? `unknown command "${name}"` : 'no command given', overview(entries));
  if (!isGroup(entry)) return entry.run(rest, ctx);
  const [sub, ...subRest] = rest;
  if (wantsHelp(sub)) return ctx.print(groupHelp(entry));
  const command = sub === undefined ? undefined : entry.subcommands[sub];
  if (!command)
    throw new UsageError(
      sub ? `unknown ${entry.command} subcommand "${sub}"` : `${entry.command} needs a subcommand`,
      groupHelp(entry),
    );
  return command.run(subRest, ctx);
}
