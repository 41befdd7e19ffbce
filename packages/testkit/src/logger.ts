import { createLogger, type Logger } from '@switchboard/runtime';

/** A real logger that stays quiet unless TEST_LOG_LEVEL asks for output. */
export const testLogger = (name = 'test'): Logger =>
  createLogger({ name, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
