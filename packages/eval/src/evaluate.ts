import { DEFAULT_THRESHOLDS, type Tier } from '@switchboard/core';
import { cascadeOptions, type ClassifierConfig } from '@switchboard/classifier';
import type { LoadedSet } from './eval-set.js';
import { computeMetrics, type EvalMetrics } from './metrics.js';
import { toRunFile, type EvalRunFile } from './run-file.js';
import { runEval, type EvalOutcome } from './runner.js';

export interface EvaluateArgs {
  set: LoadedSet;
  config: ClassifierConfig;
  tiers: readonly Tier[];
  /** The local model's version, recorded as that tier's model. */
  localModelVersion?: string | undefined;
  concurrency: number;
  /** Escalation's rule for high-priority answers; the escalation app's setting when it differs. */
  highPriorityMinConfidence?: number;
  onProgress?: (done: number, total: number) => void;
  clock?: () => Date;
}

export interface Evaluation {
  run: Omit<EvalRunFile, 'metrics'> & { metrics: EvalMetrics };
  outcomes: EvalOutcome[];
}

function modelOf(tier: Tier, config: ClassifierConfig, localModelVersion: string | undefined): string | null {
  switch (tier.name) {
    case 'rule':
      return null;
    case 'local':
      return localModelVersion ?? 'local';
    case 'cheap':
      return config.cheap?.model ?? null;
    case 'strong':
      return config.strong?.model ?? null;
  }
}

/** Runs a set through the given tiers exactly as the classifier workers would, and scores it. */
export async function evaluate(args: EvaluateArgs): Promise<Evaluation> {
  const clock = args.clock ?? (() => new Date());
  const startedAt = clock();
  const cascade = cascadeOptions(args.config, args.tiers);
  const outcomes = await runEval(args.set.items, {
    cascade,
    guardrails: {
      critical: cascade.critical,
      highPriorityMinConfidence: args.highPriorityMinConfidence ?? DEFAULT_THRESHOLDS.highPriorityMinConfidence,
    },
    concurrency: args.concurrency,
    onProgress: args.onProgress,
  });
  const tiers = args.tiers.map((t) => ({
    name: t.name,
    model: modelOf(t, args.config, args.localModelVersion),
    threshold: t.threshold,
  }));
  const models = tiers.filter((t) => t.model !== null).map((t) => t.model);
  return {
    outcomes,
    run: toRunFile({
      set: args.set.info,
      startedAt,
      finishedAt: clock(),
      cascade: { tiers, promptVersion: args.tiers.find((t) => t.promptVersion)?.promptVersion ?? null },
      model: models.length ? models.join(' → ') : 'rule',
      metrics: computeMetrics(outcomes),
      outcomes,
    }),
  };
}
