import type { Logger } from 'pino';

/** What a service or command opens, each with its own close; closed in reverse order of opening. */
export interface Scope {
  /** Registers `close` to run at shutdown, before everything registered earlier. */
  onClose: (name: string, close: () => unknown) => void;
  /** Returns `resource` with its close registered: `const fleet = scope.use('fleet', await openFleet(...), (f) => f.close())`. */
  use: <T>(name: string, resource: T, close: (resource: T) => unknown) => T;
}

export interface ClosableScope extends Scope {
  /** Runs every close, last opened first; a close that throws is logged and the others still run. */
  closeAll: () => Promise<void>;
}

export function createScope(logger: Logger): ClosableScope {
  const closers: { name: string; close: () => unknown }[] = [];
  let closing: Promise<void> | undefined;
  const onClose = (name: string, close: () => unknown): void => {
    closers.push({ name, close });
  };
  return {
    onClose,
    use: (name, resource, close) => {
      onClose(name, () => close(resource));
      return resource;
    },
    closeAll: () => {
      closing ??= (async () => {
        for (const { name, close } of closers.reverse()) {
          try {
            await close();
          } catch (err) {
            logger.error({ err, resource: name }, 'error while closing; closing the rest');
          }
        }
      })();
      return closing;
    },
  };
}
