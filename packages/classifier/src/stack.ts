import { loadPrompt, type RoutingPrompt } from '@switchboard/llm';
import type { Tier } from '@switchboard/core';
import type { Logger } from '@switchboard/runtime';
import type { ModelRegistry } from '@switchboard/queues';
import type { ThresholdsFile } from './calibrate.js';
import type { ClassifierConfig } from './config.js';
import { classifierConfigFromEnv, readThresholdsFile, type ClassifierStackEnv } from './env-config.js';
import { openConfiguredModel, type ModelHolder } from './model-holder.js';
import { REPO_PATHS } from './repo-paths.js';
import { buildTiers } from './tiers.js';

/** The classifier's cascade as configured: its config, prompt, local model (the registry's champion, followed) and tiers. */
export interface ClassifierStack {
  config: ClassifierConfig;
  /** The calibrated thresholds file the config was built with, if any. */
  thresholds: ThresholdsFile | undefined;
  prompt: RoutingPrompt;
  model: ModelHolder | undefined;
  tiers: Tier[];
  /** Stops following the model registry. */
  close(): void;
}

export type ClassifierStackSource =
  /** From the parsed environment; `calibrated: false` ignores the thresholds file (calibrate fits new ones). */
  | { env: ClassifierStackEnv; calibrated?: boolean }
  /** From a config built in code (tests, the bench). */
  | { config: ClassifierConfig };

/**
 * The one way to build the cascade: thresholds file → classifier config → local model → prompt →
 * tiers. The classifier app, drift, ops eval and calibrate, the bench and the end-to-end tests all
 * call it, so they evaluate exactly what production runs.
 */
export async function openClassifierStack(
  source: ClassifierStackSource,
  opts: {
    logger: Logger;
    modelReloadPollMs?: number;
    /**
     * The fleet's model registry: the local model is its champion, followed as promotions happen
     * (LOCAL_MODEL_PATH is imported at start). Without it (ops eval and calibrate, tests) the file
     * LOCAL_MODEL_PATH names is read once and used as it is.
     */
    models?: ModelRegistry;
  },
): Promise<ClassifierStack> {
  let config: ClassifierConfig;
  let thresholds: ThresholdsFile | undefined;
  if ('config' in source) config = source.config;
  else {
    thresholds =
      source.calibrated === false ? undefined : readThresholdsFile(source.env.THRESHOLDS_PATH, REPO_PATHS.thresholds);
    config = classifierConfigFromEnv(
      source.env,
      { promptPath: REPO_PATHS.prompt, localModelPath: REPO_PATHS.localModel },
      thresholds,
    );
  }
  const local =
    config.local && opts.modelReloadPollMs !== undefined
      ? { ...config.local, reloadPollMs: opts.modelReloadPollMs }
      : config.local;
  const prompt = await loadPrompt(config.promptPath);
  const model = await openConfiguredModel(local, opts.logger, opts.models);
  return {
    config,
    thresholds,
    prompt,
    model,
    tiers: buildTiers(config, prompt, model?.current, model?.vetted),
    close: () => model?.close(),
  };
}
