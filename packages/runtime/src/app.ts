import type { Logger } from 'pino';
import { ConfigError } from './env.js';

/**
 * Runs an app's start-up; a configuration or connection problem is one clear log line and exit 1,
 * not a stack trace mid-job.
 */
export async function runApp(logger: Logger, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof ConfigError) logger.fatal(err.message);
    else logger.fatal({ err }, 'start-up failed');
    logger.flush();
    process.exit(1);
  }
}
