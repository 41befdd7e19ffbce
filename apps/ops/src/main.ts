import { resolve } from 'node:path';
import { createLogger, logLevelOf, runCommand } from '@switchboard/runtime';
import { UsageError } from './args.js';
import { dispatch } from './cli.js';
import { COMMANDS } from './commands.js';

const logger = createLogger({ name: 'ops', level: process.env.LOG_LEVEL ? logLevelOf(process.env.LOG_LEVEL) : 'warn' });
// `pnpm ops` runs us from apps/ops; paths on the command line mean the directory the user typed in.
const userPath = (p: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), p);

await runCommand({ name: 'ops', logger }, async (scope) => {
  try {
    await dispatch(process.argv.slice(2), COMMANDS, {
      logger,
      scope,
      userPath,
      env: process.env,
      print: (text) => console.log(text),
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${err.usage}`);
    process.exitCode = 2;
  }
});
