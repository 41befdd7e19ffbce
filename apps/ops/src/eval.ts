import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openClassifierStack } from '@switchboard/classifier';
import { driftPaths, driftTiers } from '@switchboard/drift';
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
import { parseEnv } from '@switchboard/runtime';
import { numberOption, parseCommand, usageLine, UsageError } from './args.js';
import type { Command } from './cli.js';
import { opsEvalEnv, opsPromoteEnv } from './config.js';
import { progressBar } from './progress.js';

const TIER_SETS = { all: null, drift: null, cheap: ['cheap'], strong: ['strong'], free: ['rule', 'local'] } as const;

const EVAL = {
  command: 'eval',
  summary:
    "Runs a labelled set through the classifier's cascade as the environment configures it, prints the figures and writes the run as JSON and HTML.",
  options: {
    set: { type: 'string', value: '<eval.jsonl|labelled.jsonl|csv>', required: true, description: 'the labelled set' },
    tiers: {
      type: 'string',
      value: '<all|drift|cheap|strong|free>',
      description: 'which tiers (default all; drift = what the weekly check runs)',
    },
    concurrency: { type: 'string', value: '<n>', description: 'tickets at once (default 8)' },
    'out-dir': { type: 'string', value: '<dir>', description: 'where to write the run (default reports)' },
    baseline: {
      type: 'string',
      value: '<run.json>',
      description: 'the baseline to compare with (default DRIFT_BASELINE_PATH, else eval/baselines/drift.json)',
    },
    json: { type: 'boolean', description: 'print the figures as JSON' },
  },
} as const;

const PROMOTE = {
  command: 'eval-promote',
  summary: 'Makes an eval run (of --tiers drift) the baseline the drift check compares with.',
  positionals: '<run.json>',
  options: {
    to: {
      type: 'string',
      value: '<baseline.json>',
      description: 'where (default DRIFT_BASELINE_PATH, else eval/baselines/drift.json)',
    },
  },
} as const;

export const evalCommand: Command = {
  spec: EVAL,
  async run(argv, ctx) {
    const parsed = parseCommand(EVAL, argv, ctx.print);
    if (!parsed) return;
    const o = parsed.values;
    const which = (o.tiers ?? 'all') as keyof typeof TIER_SETS;
    if (!(which in TIER_SETS))
      throw new UsageError(`--tiers must be one of ${Object.keys(TIER_SETS).join(', ')}`, usageLine(EVAL));
    const concurrency = numberOption(EVAL, 'concurrency', o.concurrency) ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new UsageError('--concurrency must be a positive integer', usageLine(EVAL));

    const env = parseEnv(opsEvalEnv.schema, ctx.env);
    const stack = ctx.scope.use(
      'classifier stack',
      await openClassifierStack({ env }, { logger: ctx.logger, modelReloadPollMs: 60_000 }),
      (s) => s.close(),
    );
    const { config } = stack;
    const names = TIER_SETS[which];
    // `drift` is exactly what the weekly check evaluates, so its run can be promoted to the drift baseline.
    const tiers =
      which === 'drift'
        ? driftTiers(stack.tiers)
        : names
          ? stack.tiers.filter((t) => (names as readonly string[]).includes(t.name))
          : stack.tiers;
    if (tiers.length === 0)
      throw new Error(
        `no ${which} tier is configured (see docs/configuration.md for MODEL_BASE_URL / CHEAP_* / STRONG_*)`,
      );
    const set = await readEvalSet(ctx.userPath(o.set), config.routing, o.set);
    console.error(`evaluating ${tiers.map((t) => t.name).join(' → ')} on ${set.items.length} tickets from ${o.set}`);
    const { run } = await evaluate({
      set,
      config,
      tiers,
      localModelVersion: stack.model?.current().meta.modelVersion,
      concurrency,
      highPriorityMinConfidence: env.HIGH_PRIORITY_MIN_CONFIDENCE,
      onProgress: progressBar('eval'),
    });

    const baselinePath = ctx.userPath(o.baseline ?? driftPaths(env).baseline);
    const baseline = existsSync(baselinePath) ? await readBaseline(baselinePath) : undefined;
    const comparison = baseline ? compareToBaseline(baseline, run) : undefined;
    const outDir = ctx.userPath(o['out-dir'] ?? 'reports');
    const stem = join(outDir, `${run.finishedAt.replace(/[:.]/g, '-')}-${basename(o.set).replace(/\.[^.]+$/, '')}`);
    await writeJson(`${stem}.json`, run);
    const meta = {
      'run date': `${run.finishedAt.slice(0, 16).replace('T', ' ')} UTC`,
      model: run.model,
      set: `${o.set} (${set.items.length} tickets)`,
      tiers: run.cascade.tiers.map((t) => `${t.name}${t.model ? ` ${t.model}` : ''} ≥${t.threshold}`).join(' → '),
      prompt: run.cascade.promptVersion ?? '—',
    };
    await writeFile(`${stem}.html`, htmlReport(`Switchboard eval: ${run.model}`, run.metrics, meta, comparison));
    if (o.json === true) ctx.print(JSON.stringify(run.metrics, null, 2));
    else ctx.print(textReport(`eval of ${run.model} on ${o.set}`, run.metrics, comparison));
    const hint =
      which === 'drift'
        ? `; make it the drift baseline with: pnpm ops eval-promote ${stem}.json`
        : '; for a drift baseline, run with --tiers drift';
    console.error(`\nwrote ${stem}.json and ${stem}.html${baseline && comparison?.sameModel ? '' : hint}`);
  },
};

export const promoteCommand: Command = {
  spec: PROMOTE,
  async run(argv, ctx) {
    const parsed = parseCommand(PROMOTE, argv, ctx.print);
    if (!parsed) return;
    const [run, ...extra] = parsed.positionals;
    if (run === undefined || extra.length > 0)
      throw new UsageError('eval-promote: give exactly one run file', usageLine(PROMOTE));
    const env = parseEnv(opsPromoteEnv.schema, ctx.env);
    // The same file drift reads: DRIFT_BASELINE_PATH when set (as docker-compose does), else the repository's.
    const to = ctx.userPath(parsed.values.to ?? driftPaths(env).baseline);
    const b = await promoteToBaseline(ctx.userPath(run), to);
    ctx.print(
      `baseline ${to}: ${b.model}, prompt ${b.cascade.promptVersion ?? '—'}, accuracy ${(b.metrics.accuracy * 100).toFixed(1)}% on ${b.metrics.scored} tickets of ${b.set.path}`,
    );
  },
};
