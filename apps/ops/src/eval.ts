import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildTiers, classifierConfigFromEnv, openModelHolder, readThresholdsFile } from '@switchboard/classifier';
import { driftTiers } from '@switchboard/drift';
import {
  compareToBaseline,
  evaluate,
  htmlReport,
  promoteToBaseline,
  readBaseline,
  readEvalSet,
  textReport,
  writeJson,
} from '@switchboard/eval';
import { loadPrompt } from '@switchboard/llm';
import type { Logger } from '@switchboard/runtime';
import { options } from './args.js';
import { progressBar } from './progress.js';

export const EVAL_USAGE =
  'pnpm ops eval --set <eval.jsonl|labelled.jsonl|csv> [--tiers all|drift|cheap|strong|free] [--concurrency 8] [--out-dir reports] [--baseline eval/baselines/drift.json] [--json]';
export const PROMOTE_USAGE = 'pnpm ops eval-promote <run.json> [--to eval/baselines/drift.json]';

const TIER_SETS = { all: null, drift: null, cheap: ['cheap'], strong: ['strong'], free: ['rule', 'local'] } as const;

/**
 * Runs a labelled set through the classifier's cascade as configured by the environment (the
 * workers' code and settings), prints the figures, and writes the run as JSON and HTML.
 */
export async function evalCommand(
  argv: readonly string[],
  repoFile: (p: string) => string,
  userPath: (p: string) => string,
  logger: Logger,
): Promise<void> {
  const o = options(argv, ['set', 'tiers', 'concurrency', 'out-dir', 'baseline', 'json']);
  if (!o.set) throw new Error(`--set is required\n${EVAL_USAGE}`);
  const which = (o.tiers ?? 'all') as keyof typeof TIER_SETS;
  if (!(which in TIER_SETS)) throw new Error(`--tiers must be one of ${Object.keys(TIER_SETS).join(', ')}`);
  const concurrency = Number(o.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');

  const thresholds = readThresholdsFile(process.env.THRESHOLDS_PATH || undefined, repoFile('config/thresholds.json'));
  const { config } = classifierConfigFromEnv(
    process.env,
    { promptPath: repoFile('prompts/routing_prompt.txt'), localModelPath: repoFile('models/local-default.json') },
    thresholds,
  );
  const holder = config.local ? await openModelHolder(config.local.modelPath, logger, 60_000) : undefined;
  try {
    const all = buildTiers(config, await loadPrompt(config.promptPath), holder?.current);
    const names = TIER_SETS[which];
    // `drift` is exactly what the weekly check evaluates, so its run can be promoted to the drift baseline.
    const tiers =
      which === 'drift'
        ? driftTiers(all)
        : names
          ? all.filter((t) => (names as readonly string[]).includes(t.name))
          : all;
    if (tiers.length === 0)
      throw new Error(`no ${which} tier is configured (see the README for MODEL_BASE_URL / CHEAP_* / STRONG_*)`);
    const set = await readEvalSet(userPath(o.set), config.routing, o.set);
    console.error(`evaluating ${tiers.map((t) => t.name).join(' → ')} on ${set.items.length} tickets from ${o.set}`);
    const hp = process.env.HIGH_PRIORITY_MIN_CONFIDENCE ? Number(process.env.HIGH_PRIORITY_MIN_CONFIDENCE) : undefined;
    if (hp !== undefined && !(hp >= 0 && hp <= 1))
      throw new Error('HIGH_PRIORITY_MIN_CONFIDENCE must be between 0 and 1');
    const { run } = await evaluate({
      set,
      config,
      tiers,
      localModelVersion: holder?.current().meta.modelVersion,
      concurrency,
      highPriorityMinConfidence: hp,
      onProgress: progressBar('eval'),
    });

    const baselinePath = o.baseline ? userPath(o.baseline) : repoFile('eval/baselines/drift.json');
    const baseline = existsSync(baselinePath) ? await readBaseline(baselinePath) : undefined;
    const comparison = baseline ? compareToBaseline(baseline, run) : undefined;
    const outDir = userPath(o['out-dir'] ?? 'reports');
    const stem = join(outDir, `${run.finishedAt.replace(/[:.]/g, '-')}-${basename(o.set).replace(/\.[^.]+$/, '')}`);
    await writeJson(`${stem}.json`, run);
    const meta = {
      set: `${o.set} (${set.items.length} tickets)`,
      tiers: run.cascade.tiers.map((t) => `${t.name}${t.model ? ` ${t.model}` : ''} ≥${t.threshold}`).join(' → '),
      prompt: run.cascade.promptVersion ?? '—',
    };
    await writeFile(`${stem}.html`, htmlReport(`Switchboard eval: ${run.model}`, run.metrics, meta, comparison));
    if (o.json !== undefined) console.log(JSON.stringify(run.metrics, null, 2));
    else console.log(textReport(`eval of ${run.model} on ${o.set}`, run.metrics, comparison));
    const hint =
      which === 'drift'
        ? `; make it the drift baseline with: pnpm ops eval-promote ${stem}.json`
        : '; for a drift baseline, run with --tiers drift';
    console.error(`\nwrote ${stem}.json and ${stem}.html${baseline && comparison?.sameModel ? '' : hint}`);
  } finally {
    holder?.close();
  }
}

export async function promoteCommand(
  argv: readonly string[],
  repoFile: (p: string) => string,
  userPath: (p: string) => string,
): Promise<void> {
  const [run, ...rest] = argv;
  if (!run || run.startsWith('--')) throw new Error(`usage: ${PROMOTE_USAGE}`);
  const o = options(rest, ['to']);
  const to = o.to ? userPath(o.to) : repoFile('eval/baselines/drift.json');
  const b = await promoteToBaseline(userPath(run), to);
  console.log(
    `baseline ${to}: ${b.model}, prompt ${b.cascade.promptVersion ?? '—'}, accuracy ${(b.metrics.accuracy * 100).toFixed(1)}% on ${b.metrics.scored} tickets of ${b.set.path}`,
  );
}
