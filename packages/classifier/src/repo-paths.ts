import { fileURLToPath } from 'node:url';

const repoFile = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

/**
 * The files the fleet ships with, in one place: each has a variable that moves it (PROMPT_PATH,
 * LOCAL_MODEL_PATH, THRESHOLDS_PATH, DRIFT_EVAL_SET, DRIFT_BASELINE_PATH, DRIFT_REPORT_DIR), and
 * these are what an unset variable means. `relative` is how the configuration reference names them.
 */
export const REPO_FILES = {
  prompt: 'prompts/routing_prompt.txt',
  localModel: 'models/local-default.json',
  thresholds: 'config/thresholds.json',
  evalSet: 'eval/sets/switchboard-eval.jsonl',
  /** The seed tickets the default model is trained on, and retraining starts from. */
  trainingSet: 'eval/training/switchboard-train.jsonl',
  baseline: 'eval/baselines/drift.json',
  reportDir: 'reports',
} as const;

export type RepoFile = keyof typeof REPO_FILES;

/** Absolute paths of REPO_FILES in this checkout (or image). */
export const REPO_PATHS: Readonly<Record<RepoFile, string>> = Object.fromEntries(
  Object.entries(REPO_FILES).map(([k, p]) => [k, repoFile(p)]),
) as Record<RepoFile, string>;
