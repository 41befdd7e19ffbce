import { ConfigError } from '@switchboard/runtime';
import type { LocalTierConfig } from './config.js';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { loadLocalModel, type LocalModel } from '@switchboard/local-model';
import type { Logger } from '@switchboard/runtime';

export interface ModelHolder {
  readonly current: () => LocalModel;
  /** Loads the file again now; a bad file leaves the current model in place and rejects. */
  reload(): Promise<LocalModel>;
  close(): void;
}

/**
 * Loads the local model and keeps it fresh: the file is polled (robust to editors and atomic renames)
 * and a new, valid file replaces the model between two tickets without a restart. A bad file is
 * logged and ignored; the model that was working keeps working.
 */
export async function openModelHolder(path: string, logger: Logger, pollIntervalMs: number): Promise<ModelHolder> {
  let model = await loadLocalModel(path);
  const reload = async (): Promise<LocalModel> => {
    const next = await loadLocalModel(path);
    logger.info({ from: model.meta.modelVersion, to: next.meta.modelVersion }, 'local model reloaded');
    model = next;
    return next;
  };
  const onChange = (curr: Stats, prev: Stats): void => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
    if (curr.nlink === 0) return; // removed or mid-rename: keep the current model until a file is back
    reload().catch((err: unknown) =>
      logger.error({ err, path }, 'new local model file rejected; keeping the current model'),
    );
  };
  watchFile(path, { interval: pollIntervalMs }, onChange);
  return {
    current: () => model,
    reload,
    close: () => unwatchFile(path, onChange),
  };
}

/** The configured local model, or none; a bad file is a start-up configuration error that says how to run without it. */
export async function openConfiguredModel(
  local: LocalTierConfig | undefined,
  logger: Logger,
): Promise<ModelHolder | undefined> {
  if (!local) return undefined;
  try {
    return await openModelHolder(local.modelPath, logger, local.reloadPollMs);
  } catch (err) {
    throw new ConfigError(`local model: ${(err as Error).message} (set LOCAL_MODEL_PATH=off to run without it)`);
  }
}
