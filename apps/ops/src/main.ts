import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, logLevelOf, runApp } from '@switchboard/runtime';
import { calibrate, CALIBRATE_USAGE } from './calibrate.js';
import { deadLetter, DEAD_LETTER_USAGE } from './dead-letter.js';
import { train, TRAIN_USAGE } from './train.js';

const USAGE = [DEAD_LETTER_USAGE, TRAIN_USAGE, CALIBRATE_USAGE].map((u) => `  ${u}`).join('\n');
const logger = createLogger({ name: 'ops', level: process.env.LOG_LEVEL ? logLevelOf(process.env.LOG_LEVEL) : 'warn' });
const repoFile = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
// `pnpm ops` runs us from apps/ops; paths on the command line mean the directory the user typed in.
const userPath = (p: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), p);

await runApp(logger, async () => {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'dead-letter':
      return deadLetter(rest, logger);
    case 'train':
      return train(rest, repoFile, userPath);
    case 'calibrate':
      return calibrate(rest, repoFile, userPath, logger);
    default:
      console.error(`usage:\n${USAGE}`);
      process.exitCode = 2;
  }
});
