import { describe, expect, it } from 'vitest';
import { createLogger, createScope } from '@switchboard/runtime';
import { parseCommand, UsageError } from './args.js';
import { dispatch, type OpsContext } from './cli.js';
import { COMMANDS } from './commands.js';

const SPEC = {
  command: 'eval',
  summary: 'Runs a set.',
  options: {
    set: { type: 'string', value: '<file>', required: true, description: 'the set' },
    json: { type: 'boolean', description: 'print JSON' },
  },
} as const;

/** Runs `pnpm ops <argv>` as far as parsing goes, with what it prints captured. */
async function ops(argv: string[]): Promise<string> {
  const printed: string[] = [];
  const logger = createLogger({ name: 'ops-test', level: 'silent' });
  const ctx: OpsContext = {
    logger,
    scope: createScope(logger),
    userPath: (p) => p,
    env: {},
    print: (t) => void printed.push(t),
  };
  await dispatch(argv, COMMANDS, ctx);
  return printed.join('\n');
}

describe('ops argument parsing', () => {
  it('reads --json as a flag that takes no value, wherever it stands', () => {
    expect(parseCommand(SPEC, ['--set', 'a.jsonl', '--json'])?.values).toEqual({ set: 'a.jsonl', json: true });
    expect(parseCommand(SPEC, ['--json', '--set', 'a.jsonl'])?.values).toEqual({ set: 'a.jsonl', json: true });
    expect(parseCommand(SPEC, ['--set', 'a.jsonl'])?.values.json).toBeUndefined();
  });

  it('names an unknown option, and a missing required one, as usage errors', () => {
    expect(() => parseCommand(SPEC, ['--set', 'a', '--jsno'])).toThrow(UsageError);
    expect(() => parseCommand(SPEC, ['--set', 'a', '--jsno'])).toThrow(/--jsno/);
    expect(() => parseCommand(SPEC, ['--json'])).toThrow(/--set is required/);
    expect(() => parseCommand(SPEC, ['--json=yes', '--set', 'a'])).toThrow(UsageError);
  });

  it('prints usage for --help instead of running', () => {
    const printed: string[] = [];
    expect(parseCommand(SPEC, ['--help'], (t) => void printed.push(t))).toBeUndefined();
    expect(printed.join('')).toContain('usage: pnpm ops eval --set <file> [--json]');
  });

  it('has --help for every command and every subcommand, without opening anything', async () => {
    expect(await ops(['--help'])).toContain('pnpm ops pilot report [--days <n>] [--json]');
    for (const [name, entry] of Object.entries(COMMANDS)) {
      if ('subcommands' in entry) {
        expect(await ops([name, '--help'])).toContain(`pnpm ops ${name} `);
        for (const sub of Object.keys(entry.subcommands))
          expect(await ops([name, sub, '--help'])).toContain(`usage: pnpm ops ${name} ${sub}`);
      } else expect(await ops([name, '--help'])).toContain(`usage: pnpm ops ${name}`);
    }
  });

  it('takes the boolean flags the commands document', async () => {
    expect(await ops(['eval', '--set', 'x', '--json', '--help'])).toContain('--json');
    expect(await ops(['calibrate', '--help'])).toContain('--allow-overlap');
    await expect(ops(['calibrate', '--set', 'x', '--target', '0.9', '--allow-overlap=1'])).rejects.toThrow(UsageError);
  });

  it('names an unknown command or subcommand', async () => {
    await expect(ops(['evall'])).rejects.toThrow(/unknown command "evall"/);
    await expect(ops(['pilot', 'reprot'])).rejects.toThrow(/unknown pilot subcommand "reprot"/);
    await expect(ops([])).rejects.toThrow(/no command given/);
  });
});
