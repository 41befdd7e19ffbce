import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  buildTiers,
  checkTrainingOverlap,
  classifierConfigFromEnv,
  observeTiers,
  openModelHolder,
  type ThresholdsFile,
} from '@switchboard/classifier';
import { createKeywordMatcher, searchThresholds, ticketText, type CurvePoint } from '@switchboard/core';
import { loadPrompt } from '@switchboard/llm';
import type { Logger } from '@switchboard/runtime';
import { options } from './args.js';
import { readLabelledSet } from './labelled-set.js';
import { progressBar } from './progress.js';

export const CALIBRATE_USAGE =
  'pnpm ops calibrate --set <labelled.jsonl|csv> --target 0.95 [--human-cost 0.50] [--out config/thresholds.json] [--concurrency 4] [--allow-overlap]';

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
  argv: readonly string[],
  repoFile: (p: string) => string,
  userPath: (p: string) => string,
  logger: Logger,
): Promise<void> {
  const allowOverlap = argv.includes('--allow-overlap');
  const o = options(
    argv.filter((a) => a !== '--allow-overlap'),
    ['set', 'target', 'human-cost', 'out', 'concurrency'],
  );
  if (!o.set || !o.target) throw new Error(`--set and --target are required\n${CALIBRATE_USAGE}`);
  const target = Number(o.target);
  const humanCostUsd = Number(o['human-cost'] ?? 0.5);
  if (!(target > 0 && target < 1)) throw new Error('--target must be a fraction between 0 and 1, e.g. 0.95');
  if (!(humanCostUsd >= 0)) throw new Error('--human-cost must be a non-negative number of dollars');

  const { config } = classifierConfigFromEnv(process.env, {
    promptPath: repoFile('prompts/routing_prompt.txt'),
    localModelPath: repoFile('models/local-default.json'),
  });
  const holder = config.local ? await openModelHolder(config.local.modelPath, logger, 60_000) : undefined;
  try {
    const tiers = buildTiers(config, await loadPrompt(config.promptPath), holder?.current);
    // Critical tickets never reach a tier in production, so they say nothing about thresholds.
    const critical = createKeywordMatcher(config.criticalKeywords);
    const rows = (await readLabelledSet(userPath(o.set))).filter((r) => critical.first(ticketText(r)) === undefined);
    const overlap = checkTrainingOverlap(rows, holder?.current(), { allowOverlap });
    if (overlap) console.error(overlap);
    console.log(
      `calibrating ${tiers.map((t) => t.name).join(' → ')} on ${rows.length} tickets (critical ones excluded), target ${pct(target)}, human $${humanCostUsd}/ticket`,
    );
    const obs = await observeTiers(rows, tiers, {
      concurrency: Number(o.concurrency ?? 4),
      onProgress: progressBar('asking tiers'),
    });
    const { best, frontier } = searchThresholds(
      obs,
      tiers.map((t) => (t.name === 'rule' ? { name: t.name, fixedThreshold: t.threshold } : { name: t.name })),
      { target, humanCostUsd },
    );
    printCurve(frontier, best);
    if (!best) {
      console.error(
        `\nno setting reaches ${pct(target)} accuracy (at the 95% lower bound) on this set; thresholds left unchanged`,
      );
      process.exitCode = 1;
      return;
    }
    const file: ThresholdsFile = {
      calibratedAt: new Date().toISOString(),
      target,
      set: o.set,
      rows: rows.length,
      thresholds: { local: best.thresholds.local, cheap: best.thresholds.cheap, strong: best.thresholds.strong },
      expected: {
        coverage: best.coverage,
        accuracy: best.accuracy,
        accuracyLow: best.accuracyLow,
        totalCostPer1k: best.totalCostPer1k,
      },
    };
    const out = o.out ? userPath(o.out) : repoFile('config/thresholds.json');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(file, null, 2)}\n`);
    console.log(
      `\nchosen: ${fmtThresholds(best)} → machines route ${pct(best.coverage)} at ${pct(best.accuracy)} accuracy; wrote ${out}`,
    );
  } finally {
    holder?.close();
  }
}
