/** Every `pnpm ops` command, by the name typed after `pnpm ops`. */
import type { Entry } from './cli.js';
import { calibrateCommand } from './calibrate.js';
import { deadLetterCommands } from './dead-letter.js';
import { evalCommand, promoteCommand } from './eval.js';
import { driftCommands, fallbackCommands } from './fallback.js';
import { forgetCommand } from './forget.js';
import { hashPasswordCommand } from './hash-password.js';
import { localCommands } from './local.js';
import { modelCommands } from './model.js';
import { pilotCommands } from './pilot.js';
import { retrainCommand } from './retrain.js';
import { trainCommand } from './train.js';

export const COMMANDS: Record<string, Entry> = {
  'dead-letter': deadLetterCommands,
  train: trainCommand,
  retrain: retrainCommand,
  calibrate: calibrateCommand,
  eval: evalCommand,
  'eval-promote': promoteCommand,
  fallback: fallbackCommands,
  local: localCommands,
  model: modelCommands,
  drift: driftCommands,
  pilot: pilotCommands,
  forget: forgetCommand,
  'hash-password': hashPasswordCommand,
};
