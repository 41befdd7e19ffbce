import { runHashPasswordCommand } from '@switchboard/web-auth';
import { parseCommand } from './args.js';
import type { Command } from './cli.js';

const HASH = {
  command: 'hash-password',
  summary:
    'Prints the scrypt hash REVIEW_DESK_USERS and DASHBOARD_USERS want; asks twice without echo, or reads a pipe (never from the command line).',
  options: {},
};

export const hashPasswordCommand: Command = {
  spec: HASH,
  async run(argv, ctx) {
    if (!parseCommand(HASH, argv, ctx.print)) return;
    await runHashPasswordCommand();
  },
};
