import type { DestinationStream, Logger } from 'pino';
import type { z } from 'zod';
import { ConfigError, logLevelOf, parseEnv } from './env.js';
import { createLogger } from './logger.js';
import { createScope, type Scope } from './service-scope.js';

/** What the runner itself reads: every service's schema includes `serviceEnv`. */
interface ServiceSettings {
  LOG_LEVEL: string;
  SHUTDOWN_DEADLINE_MS: number;
}

export interface ServiceContext<E> extends Scope {
  readonly env: E;
  readonly logger: Logger;
}

interface SignalSource {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

export interface RunServiceOptions<S extends z.ZodType<ServiceSettings>> {
  name: string;
  /** The app's composed schema (see composeEnv); parsed once, before anything is opened. */
  env: S;
  /** The raw environment: the app passes `process.env` (packages never read it themselves). */
  from: Record<string, string | undefined>;
  /** Tests replace the process's exit, signals and stdout. */
  exit?: (code: number) => void;
  signals?: SignalSource;
  logDestination?: DestinationStream;
}

export interface RunningService {
  /** The same shutdown a signal starts; resolves once every close has run (or the deadline passed). */
  shutdown(reason: string): Promise<void>;
}

const exitProcess = (code: number): void => {
  process.exit(code);
};

/**
 * Runs a long-lived app: parses its environment once (a bad value is one log line naming the
 * variable and exit 1), lets `start` open its resources, each registering its own close, and on
 * SIGTERM/SIGINT closes them last-opened-first within SHUTDOWN_DEADLINE_MS and exits 0 (1 when the
 * deadline passes, so an orchestrator is not kept waiting). A start-up failure closes what was
 * already opened and exits 1.
 */
export async function runService<S extends z.ZodType<ServiceSettings>>(
  opts: RunServiceOptions<S>,
  start: (service: ServiceContext<z.infer<S>>) => Promise<void> | void,
): Promise<RunningService> {
  const exit = opts.exit ?? exitProcess;
  const signals = opts.signals ?? process;
  const logger = createLogger({ name: opts.name, level: logLevelOf(opts.from.LOG_LEVEL) }, opts.logDestination);
  const scope = createScope(logger);
  let running: Promise<void> | undefined;
  let deadlineMs = 25_000;

  const fail = (err: unknown): void => {
    if (err instanceof ConfigError) logger.fatal(err.message);
    else logger.fatal({ err }, 'start-up failed');
  };
  const closeThenExit = (reason: string, code: number): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason, deadlineMs }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ deadlineMs }, 'shutdown deadline exceeded; exiting');
        logger.flush();
        exit(1);
      }, deadlineMs);
      timer.unref();
      await scope.closeAll();
      clearTimeout(timer);
      logger.info('shutdown complete');
      logger.flush();
      exit(code);
    })();
    return running;
  };
  const handle: RunningService = { shutdown: (reason) => closeThenExit(reason, 0) };

  let env: z.infer<S>;
  try {
    env = parseEnv(opts.env, opts.from);
  } catch (err) {
    fail(err);
    logger.flush();
    exit(1);
    return handle;
  }
  deadlineMs = env.SHUTDOWN_DEADLINE_MS;
  logger.level = env.LOG_LEVEL;
  signals.once('SIGTERM', () => void closeThenExit('SIGTERM', 0));
  signals.once('SIGINT', () => void closeThenExit('SIGINT', 0));
  try {
    await start({ env, logger, onClose: scope.onClose, use: scope.use });
  } catch (err) {
    fail(err);
    await closeThenExit('start-up failed', 1);
  }
  return handle;
}

export interface RunCommandOptions {
  name: string;
  logger: Logger;
  exit?: (code: number) => void;
}

/**
 * Runs a one-shot command (ops): what it opens is closed when it ends, whatever way it ends; a
 * configuration problem is one line and exit 1.
 */
export async function runCommand(opts: RunCommandOptions, run: (scope: Scope) => Promise<void> | void): Promise<void> {
  const exit = opts.exit ?? exitProcess;
  const scope = createScope(opts.logger);
  let failed = false;
  try {
    await run(scope);
  } catch (err) {
    failed = true;
    if (err instanceof ConfigError) opts.logger.fatal(err.message);
    else opts.logger.fatal({ err }, `${opts.name} failed`);
  } finally {
    await scope.closeAll();
  }
  if (failed) {
    opts.logger.flush();
    exit(1);
  }
}
