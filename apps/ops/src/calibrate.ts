import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  checkTrainingOverlap,
  observeTiers,
  openClassifierStack,
  REPO_PATHS,
  type ThresholdsFile,
} from '@switchboard/classifier';
import { createKeywordMatcher, searchThresholds, ticketText, type CurvePoint } from '@switchboard/core';
import { parseEnv, type Logger } from '@switchboard/runtime';
import { numberOption, parseCommand, usageLine, UsageError } from './args.js';
import type { Command } from './cli.js';
import { opsCalibrateEnv } from './config.js';
import { readLabelledSet } from './labelled-set.js';
import { progressBar } from './progress.js';

const CALIBRATE = {
  command: 'calibrate',
  summary:
    "Fits each tier's threshold on a labelled set: the cheapest setting whose accuracy (95% lower bound) meets the target.",
  options: {
    set: { type: 'string', value: '<labelled.jsonl|csv>', required: true, description: 'the labelled tickets' },
    target: { type: 'string', value: '<0.95>', required: true, description: 'accuracy to reach, a fraction' },
    'human-cost': { type: 'string', value: '<usd>', description: 'cost of one ticket a person routes (default 0.50)' },
    out: { type: 'string', value: '<thresholds.json>', description: 'where to write (default config/thresholds.json)' },
    concurrency: { type: 'string', value: '<n>', description: 'tickets asked at once (default 4)' },
    'allow-overlap': {
      type: 'boolean',
      description: 'calibrate even when the set shares tickets with the local model training data',
    },
  },
} as const;

export interface CalibrateOptions {
  set: string;
  /** As typed, for the thresholds file's record of where they came from. */
  setLabel: string;
  target: number;
  humanCostUsd: number;
  out: string;
  concurrency: number;
  /**
   * `--allow-overlap`: go ahead although the set overlaps the local model's training rows (the
   * figures are then optimistic, and said so).
   */
  allowOverlap: boolean;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const fmtThresholds = (p: CurvePoint): string =>
  Object.entries(p.thresholds)
    .filter(([name]) => name !== 'rule')
    .map(([name, t]) => `${name}=${t === null || t === undefined ? 'off' : t.toFixed(2)}`)
    .join(' ');

function printCurve(frontier: readonly CurvePoint[], chosen: CurvePoint | undefined): void {
  const step = Math.max(1, Math.ceil(frontier.length / 20));
  const rows = frontier.filter((_, i) => i % step === 0 || i === frontier.length - 1);
  console.log('\n coverage  accuracy  acc(95% low)  model $/1k  total $/1k  thresholds');
  for (const p of chosen ? [...rows, chosen] : rows) {
    const mark = p === chosen ? '  ← chosen' : '';
    console.log(
      ` ${pct(p.coverage).padStart(8)}  ${pct(p.accuracy).padStart(8)}  ${pct(p.accuracyLow).padStart(12)}  ${p.modelCostPer1k.toFixed(3).padStart(10)}  ${p.totalCostPer1k.toFixed(2).padStart(10)}  ${fmtThresholds(p)}${mark}`,
    );
  }
}

/**
 * Fits each tier's threshold on a labelled set: every tier answers every ticket once, then the
 * cascade is replayed for every candidate setting and the cheapest one that meets the target wins.
 */
export async function calibrate(
  opts: CalibrateOptions,
  env: Record<string, string | undefined>,
  logger: Logger,
  print: (text: string) => void,
): Promise<void> {
  // calibrated: false — the thresholds in use must not switch a tier off before it is measured.
  const stack = await openClassifierStack(
    { env: parseEnv(opsCalibrateEnv.schema, env), calibrated: false },
    { logger, modelReloadPollMs: 60_000 },
  );
  try {
    const { config, tiers } = stack;
    // Critical tickets never reach a tier in production, so they say nothing about thresholds.
    const critical = createKeywordMatcher(config.criticalKeywords);
    const rows = (await readLabelledSet(opts.set)).filter((r) => critical.first(ticketText(r)) === undefined);
    const overlap = checkTrainingOverlap(rows, stack.model?.current(), { allowOverlap: opts.allowOverlap });
    if (overlap) console.error(overlap);
    print(
      `calibrating ${tiers.map((t) => t.name).join(' → ')} on ${rows.length} tickets (critical ones excluded), target ${pct(opts.target)}, human $${opts.humanCostUsd}/ticket`,
    );
    const obs = await observeTiers(rows, tiers, {
      concurrency: opts.concurrency,
      onProgress: progressBar('asking tiers'),
    });
    const { best, frontier } = searchThresholds(
      obs,
      tiers.map((t) => (t.name === 'rule' ? { name: t.name, fixedThreshold: t.threshold } : { name: t.name })),
      { target: opts.target, humanCostUsd: opts.humanCostUsd },
    );
    printCurve(frontier, best);
    if (!best) {
      console.error(
        `\nno setting reaches ${pct(opts.target)} accuracy (at the 95% lower bound) on this set; thresholds left unchanged`,
      );
      process.exitCode = 1;
      return;
    }
    const file: ThresholdsFile = {
      calibratedAt: new Date().toISOString(),
      target: opts.target,
      set: opts.setLabel,
      rows: rows.length,
      thresholds: { local: best.thresholds.local, cheap: best.thresholds.cheap, strong: best.thresholds.strong },
      expected: {
        coverage: best.coverage,
        accuracy: best.accuracy,
        accuracyLow: best.accuracyLow,
        totalCostPer1k: best.totalCostPer1k,
      },
    };
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFile(opts.out, `${JSON.stringify(file, null, 2)}\n`);
    print(
      `\nchosen: ${fmtThresholds(best)} → machines route ${pct(best.coverage)} at ${pct(best.accuracy)} accuracy; wrote ${opts.out}`,
    );
  } finally {
    stack.close();
  }
}

export const calibrateCommand: Command = {
  spec: CALIBRATE,
  async run(argv, ctx) {
    const parsed = parseCommand(CALIBRATE, argv, ctx.print);
    if (!parsed) return;
    const o = parsed.values;
    const target = numberOption(CALIBRATE, 'target', o.target) ?? 0;
    const humanCostUsd = numberOption(CALIBRATE, 'human-cost', o['human-cost']) ?? 0.5;
    if (!(target > 0 && target < 1))
      throw new UsageError('--target must be a fraction between 0 and 1, e.g. 0.95', usageLine(CALIBRATE));
    if (!(humanCostUsd >= 0))
      throw new UsageError('--human-cost must be a non-negative number of dollars', usageLine(CALIBRATE));
    const allowOverlap = o['allow-overlap'] === true;
    await calibrate(
      {
        set: ctx.userPath(o.set),
        setLabel: o.set,
        target,
        humanCostUsd,
        out: o.out ? ctx.userPath(o.out) : REPO_PATHS.thresholds,
        concurrency: numberOption(CALIBRATE, 'concurrency', o.concurrency) ?? 4,
        allowOverlap,
      },
      ctx.env,
      ctx.logger,
      ctx.print,
    );
  },
};
