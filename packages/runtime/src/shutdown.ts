import type { Logger } from 'pino';

export type Closer = () => Promise<void>;

/**
 * On SIGTERM/SIGINT: run the closers in order (stop taking work, finish active jobs, close queues
 * and Redis) and exit 0; exit 1 if they overrun the deadline, so an orchestrator is not kept waiting.
 */
export function installShutdown(logger: Logger, closers: readonly Closer[], deadlineMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> => {
    running ??= (async () => {
      logger.info({ signal, deadlineMs }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ deadlineMs }, 'shutdown deadline exceeded; exiting');
        process.exit(1);
      }, deadlineMs);
      timer.unref();
      for (const close of closers) {
        try {
          await close();
        } catch (err) {
          logger.error({ err }, 'error while shutting down');
        }
      }
      clearTimeout(timer);
      logger.info('shutdown complete');
      logger.flush();
      process.exit(0);
    })();
    return running;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return () => shutdown('manual');
}
