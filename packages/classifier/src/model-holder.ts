import { readFile } from 'node:fs/promises';
import { ConfigError } from '@switchboard/runtime';
import type { Logger } from '@switchboard/runtime';
import { parseLocalModel, type LocalModel } from '@switchboard/local-model';
import type { ModelRegistry } from '@switchboard/queues';
import type { LocalTierConfig } from './config.js';

/** A new champion loaded, or one that could not be parsed (the running model stays). */
export type ModelEvent =
  { kind: 'loaded'; version: string; from: string | null } | { kind: 'rejected'; version: string; error: string };

export interface ModelHolder {
  readonly current: () => LocalModel;
  /**
   * Whether the current model has been judged on this desk's own labels (registry: its entry says so,
   * re-read every poll until it does). A model read from a file alone is what its caller chose to run.
   */
  readonly vetted: () => boolean;
  /** `registry`: follows the fleet's champion; `file`: LOCAL_MODEL_PATH read once (no fleet). */
  readonly origin: 'registry' | 'file';
  /** Called for every change after start-up (the start-up model is `current()`). */
  subscribe(listener: (e: ModelEvent) => void): void;
  close(): void;
}

/** Reads and validates a model file; the text is kept to store it in the registry as it is. */
export async function readModelFile(path: string): Promise<{ text: string; model: LocalModel }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`local model file ${path} cannot be read (${(err as Error).message})`);
  }
  try {
    return { text, model: parseLocalModel(text, path) };
  } catch (err) {
    throw new ConfigError(`local model: ${(err as Error).message}`);
  }
}

/**
 * The model file alone, read once: what ops commands without a fleet (eval, calibrate) and tests use.
 * A one-shot command has nothing to reload, and a fleet's classifiers follow the registry instead.
 */
export async function openFileModel(path: string): Promise<ModelHolder> {
  const { model } = await readModelFile(path);
  return {
    current: () => model,
    vetted: () => true,
    origin: 'file',
    subscribe: () => undefined,
    close: () => undefined,
  };
}

/**
 * The fleet's local model. At start the file LOCAL_MODEL_PATH names is validated and stored in the
 * registry; it becomes the champion when the registry has none, or when its version is new to the
 * registry (a person pointed LOCAL_MODEL_PATH at a new file). Otherwise the registry's champion
 * wins: a restart never undoes a promotion or a rollback. Then the champion pointer is polled (one
 * GET) and a new champion replaces the model between two tickets; one that does not parse is
 * logged, and the model that was working keeps working.
 */
export async function openRegistryModel(
  registry: ModelRegistry,
  path: string,
  logger: Logger,
  pollMs: number,
): Promise<ModelHolder> {
  const file = await readModelFile(path);
  const fileVersion = file.model.meta.modelVersion;
  const { created } = await registry.put(fileVersion, file.text, {
    trainedAt: file.model.meta.trainedAt,
    source: 'file',
    note: `LOCAL_MODEL_PATH ${path}`,
  });
  const before = await registry.currentVersion();
  const why =
    before === null
      ? `the registry had no champion: ${path} becomes it`
      : created
        ? `${path} holds a model new to the registry: it replaces ${before}`
        : undefined;
  if (why) await registry.promote(fileVersion, 'file', why);

  const holder = await followChampion(registry, file.model, logger, pollMs);
  logger.info(
    {
      localModel: holder.current().meta.modelVersion,
      file: { path, version: fileVersion },
      why: why ?? `the registry's champion ${before} wins over ${path} (already in the registry)`,
    },
    why ? 'local model: the file became the champion' : "local model: running the registry's champion",
  );
  return holder;
}

/**
 * Follows the registry's champion from `initial`: loads it now, then polls the champion pointer (one
 * GET) and swaps in a new champion between two uses; one that does not parse is logged, and the model
 * that was working keeps working. Never writes to the registry.
 */
async function followChampion(
  registry: ModelRegistry,
  initial: LocalModel,
  logger: Logger,
  pollMs: number,
): Promise<ModelHolder> {
  let model = initial;
  let vetted = await registry.isVetted(initial.meta.modelVersion);
  // A champion that failed to parse is not fetched again (2 MB every poll) until another one is promoted.
  let refused: string | null = null;
  const listeners: ((e: ModelEvent) => void)[] = [];
  const emit = (e: ModelEvent): void => listeners.forEach((l) => l(e));

  const load = async (): Promise<void> => {
    const champion = await registry.current();
    if (!champion || champion.version === model.meta.modelVersion || champion.version === refused) return;
    let next: LocalModel;
    try {
      next = parseLocalModel(champion.json, `registry model ${champion.version}`);
    } catch (err) {
      refused = champion.version;
      logger.error(
        { err: { message: (err as Error).message }, version: champion.version, keeping: model.meta.modelVersion },
        'the champion local model in the registry does not load; keeping the current model',
      );
      emit({ kind: 'rejected', version: champion.version, error: (err as Error).message });
      return;
    }
    const from = model.meta.modelVersion;
    vetted = await registry.isVetted(next.meta.modelVersion);
    model = next;
    logger.info({ from, to: next.meta.modelVersion }, 'local model: new champion from the registry loaded');
    emit({ kind: 'loaded', version: next.meta.modelVersion, from });
  };

  await load();

  let busy = false;
  let failing = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    registry
      .currentVersion()
      .then(async (v) => {
        if (v !== null && v !== model.meta.modelVersion && v !== refused) return load();
        // On probation: one HGET a poll until the retrain job (or a person) vets the model.
        if (!vetted) vetted = await registry.isVetted(model.meta.modelVersion);
      })
      .then(() => {
        if (failing) logger.info('local model: the registry answers again');
        failing = false;
      })
      .catch((err: unknown) => {
        // Redis away: keep the model we have; say so once, not every poll.
        if (!failing)
          logger.warn({ err: { message: (err as Error).message } }, 'local model: cannot read the registry');
        failing = true;
      })
      .finally(() => {
        busy = false;
      });
  }, pollMs);
  timer.unref();
  return {
    current: () => model,
    vetted: () => vetted,
    origin: 'registry',
    subscribe: (l) => void listeners.push(l),
    close: () => clearInterval(timer),
  };
}

/**
 * The champion the fleet's classifiers run, for a process that only reads the model (the review desk's
 * guess for critical tickets): unlike `openRegistryModel`, starting it never stores or promotes a
 * file, so a desk started with another LOCAL_MODEL_PATH cannot change what the classifiers run. Until
 * the registry has a champion (no classifier has started yet), the file `path` names is used.
 */
export async function followRegistryModel(
  registry: ModelRegistry,
  path: string,
  logger: Logger,
  pollMs: number,
): Promise<ModelHolder> {
  const champion = await registry.current();
  let initial: LocalModel | undefined;
  if (champion) {
    try {
      initial = parseLocalModel(champion.json, `registry model ${champion.version}`);
    } catch (err) {
      logger.error(
        { err: { message: (err as Error).message }, version: champion.version, file: path },
        'the champion local model in the registry does not load; starting from the file',
      );
    }
  }
  const holder = await followChampion(registry, initial ?? (await readModelFile(path)).model, logger, pollMs);
  logger.info(
    { localModel: holder.current().meta.modelVersion, from: champion ? 'registry' : path },
    "local model: following the registry's champion (read only)",
  );
  return holder;
}

/**
 * The configured local model, or none: from the registry when the caller has a fleet, else the file.
 * A bad file is a start-up configuration error that says how to run without it.
 */
export async function openConfiguredModel(
  local: LocalTierConfig | undefined,
  logger: Logger,
  models?: ModelRegistry,
): Promise<ModelHolder | undefined> {
  if (!local) return undefined;
  try {
    return models
      ? await openRegistryModel(models, local.modelPath, logger, local.reloadPollMs)
      : await openFileModel(local.modelPath);
  } catch (err) {
    // A file problem says how to run without one; a Redis problem is reported as it is.
    if (err instanceof ConfigError)
      throw new ConfigError(`${err.message} (set LOCAL_MODEL_PATH=off to run without it)`);
    throw err;
  }
}
