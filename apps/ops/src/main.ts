import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, logLevelOf, runApp } from '@switchboard/runtime';
import { calibrate, CALIBRATE_USAGE } from './calibrate.js';
import { deadLetter, DEAD_LETTER_USAGE } from './dead-letter.js';
import { train, TRAIN_USAGE } from './train.js';
import { evalCommand, EVAL_USAGE, promoteCommand, PROMOTE_USAGE } from './eval.js';
import { drift, DRIFT_USAGE, fallback, FALLBACK_USAGE } from './fallback.js';
import { hashPasswordCommand, HASH_PASSWORD_USAGE } from './hash-password.js';
import { pilot, PILOT_USAGE } from './pilot.js';

const USAGE = [
  DEAD_LETTER_USAGE,
  TRAIN_USAGE,
  CALIBRATE_USAGE,
  EVAL_USAGE,
  PROMOTE_USAGE,
  FALLBACK_USAGE,
  DRIFT_USAGE,
  PILOT_USAGE,
  HASH_PASSWORD_USAGE,
]
  .map((u) => `  ${u}`)
  .join('\n');
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
    case 'eval':
      return evalCommand(rest, repoFile, userPath, logger);
    case 'eval-promote':
      return promoteCommand(rest, repoFile, userPath);
    case 'fallback':
      return fallback(rest, logger);
    case 'drift':
      return drift(rest, logger);
    case 'pilot':
      return pilot(rest, logger, userPath);
    case 'hash-password':
      return hashPasswordCommand();
    default:
      console.error(`usage:\n${USAGE}`);
      process.exitCode = 2;
  }
});
