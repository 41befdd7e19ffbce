// Benchmark of the local model on the public sets in ../shared/data (read in place, never copied).
// For each set it trains on a seeded, stratified split of train.jsonl and scores the held-out rest
// (the protocol), then repeats that over k folds and pools every held-out prediction (the
// same protocol with far less sampling noise). Thresholds always come from the calibration split
// inside training, never from the rows scored. Prints every figure of issue 3 against its target
// and writes them as JSON.
//
//   pnpm --filter @switchboard/local-model bench [--data <dir>] [--sets banking77,tobi] [--seed 7] [--test 0.2] [--folds 5] [--dev] [--out <file.json>]
//
// --dev drops the test split of --seed first and benchmarks on the rest only: use it while
// developing, so that nothing is ever tuned on the rows the final figures are scored on.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCrossValidated, benchHoldout, type BenchFigures, type HoldoutResult } from './bench-set.js';
import { predictionRate } from './bench-speed.js';
import { readLabelledTickets } from './labelled-tickets.js';
import { stratifiedSplit } from './split.js';
import { trainLocalModel } from './train.js';
import type { LabelledTicket } from './types.js';

interface Figure {
  name: string;
  holdout: number | null;
  cv: number | null;
  /** `min`: value must be at least target; `max`: at most; null: reported only. */
  bound: 'min' | 'max' | null;
  target: number | null;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(here, '../../../../shared/data') },
    seed: { type: 'string', default: '7' },
    test: { type: 'string', default: '0.2' },
    folds: { type: 'string', default: '5' },
    dev: { type: 'boolean', default: false },
    sets: { type: 'string', default: 'banking77,tobi' },
    out: { type: 'string' },
  },
});
const seed = Number(args.seed);
const testFraction = Number(args.test);
const folds = Number(args.folds);
const out = args.out ?? resolve(here, `../test-artifacts/bench${args.dev ? '-dev' : ''}.json`);
const figures: Figure[] = [];

function add(
  name: string,
  holdout: number | null,
  cv: number | null,
  bound: Figure['bound'],
  target: number | null,
  note?: string,
): void {
  figures.push({ name, holdout, cv, bound, target, ...(note ? { note } : {}) });
}

function passes(f: Figure, v: number | null): string {
  if (f.bound === null || f.target === null) return '';
  if (v === null) return 'FAIL';
  return (f.bound === 'min' ? v >= f.target : v <= f.target) ? 'PASS' : 'FAIL';
}

function progress(label: string): (done: number, total: number, phase: string) => void {
  let last = -1;
  return (done, total, phase) => {
    if (!process.stderr.isTTY) return;
    const pct = total ? Math.floor((done / total) * 100) : 0;
    if (pct === last) return;
    last = pct;
    const fill = Math.round(pct / 5);
    process.stderr.write(
      `\r  ${label.padEnd(14)} [${'#'.repeat(fill)}${'.'.repeat(20 - fill)}] ${String(pct).padStart(3)}% ${phase.padEnd(14)}`,
    );
    if (done === total) process.stderr.write('\r\x1b[K');
  };
}

async function load(set: string): Promise<LabelledTicket[] | null> {
  const path = join(args.data, set, 'train.jsonl');
  if (!existsSync(path)) {
    console.log(`skip ${set}: ${path} not found (the public data lives in ../shared/data next to the repo)`);
    return null;
  }
  const rows = await readLabelledTickets(path);
  if (!args.dev) return rows;
  // Development: the real test split is dropped here and never scored.
  const split = stratifiedSplit(
    rows.map((r) => r.fineLabel ?? r.category),
    testFraction,
    seed,
  );
  return split.keep.map((i) => rows[i] as LabelledTicket);
}

function describe(set: string, h: HoldoutResult): void {
  const t = h.train;
  console.log(
    `${set}: held-out split: trained on ${h.trainRows} (fit ${t.fitRows} + calibration ${t.calibrationRows}, then refit on all), ` +
      `scored ${h.testRows}; chosen l2=${t.setting.l2} lr=${t.setting.learningRate}; T=${t.category.temperature.toFixed(3)}; ` +
      `${t.columns} columns, ${t.fineLabels} fine labels; category threshold ${h.categoryThreshold?.toFixed(3) ?? 'none'}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `local model benchmark — seed ${seed}, test split ${testFraction}, ${folds}-fold CV, ${availableParallelism()} cores (training and prediction use one)` +
      (args.dev ? '\nDEV MODE: the test split is dropped; figures come from the remaining rows only' : ''),
  );
  const results: Record<string, unknown> = {};

  const sets = args.sets.split(',');
  const banking = sets.includes('banking77') ? await load('banking77') : null;
  if (banking) {
    const h = await benchHoldout(banking, testFraction, {
      seed,
      categoryTarget: 0.95,
      priorityTargets: [0.6, 0.8],
      onProgress: progress('banking77'),
    });
    const cv = await benchCrossValidated(banking, folds, {
      seed,
      categoryTarget: 0.95,
      priorityTargets: [0.6, 0.8],
      onProgress: progress('banking77 cv'),
    });
    describe('banking77', h);
    add('banking77: category accuracy', h.accuracy, cv.accuracy, 'min', 0.97, spread(cv.perFoldAccuracy));
    add('banking77: category macro-F1', h.macroF1, cv.macroF1, null, null);
    add('banking77: share taken at ≥95% accuracy', h.coverage, cv.coverage, 'min', 0.99);
    add('banking77: accuracy on the share taken', h.coveredAccuracy, cv.coveredAccuracy, 'min', 0.95);
    add('banking77: ECE before calibration', h.eceBefore, cv.eceBefore, null, null);
    add('banking77: ECE after calibration', h.eceAfter, cv.eceAfter, 'max', 0.03);
    add('banking77: model file (MB)', h.fileBytes / 1e6, null, 'max', 5);
    const rate = predictionRate(h.model, h.testTickets);
    add(`banking77: prediction (tickets/s, ${rate.meanChars.toFixed(0)} chars)`, rate.perSecond, null, null, null);
    results.banking77 = { holdout: strip(h), cv };

    const tenK = banking.slice(0, 10_000);
    const started = performance.now();
    trainLocalModel(tenK, { seed, onProgress: progress('10k train') });
    add(
      `training ${tenK.length} tickets (s, banking77, all phases)`,
      (performance.now() - started) / 1000,
      null,
      'max',
      20,
    );
  }

  const tobi = sets.includes('tobi') ? await load('tobi') : null;
  if (tobi) {
    const h = await benchHoldout(tobi, testFraction, {
      seed,
      categoryTarget: 0.9,
      priorityTargets: [0.6, 0.8],
      onProgress: progress('tobi'),
    });
    const cv = await benchCrossValidated(tobi, folds, {
      seed,
      categoryTarget: 0.9,
      priorityTargets: [0.6, 0.8],
      onProgress: progress('tobi cv'),
    });
    describe('tobi', h);
    add('tobi: category accuracy', h.accuracy, cv.accuracy, 'min', 0.72, spread(cv.perFoldAccuracy));
    add('tobi: category macro-F1', h.macroF1, cv.macroF1, 'min', 0.58);
    add('tobi: share taken at ≥90% accuracy', h.coverage, cv.coverage, 'min', 0.35);
    add('tobi: accuracy on the share taken', h.coveredAccuracy, cv.coveredAccuracy, 'min', 0.9);
    const lang = (f: BenchFigures, l: string): number | null => f.byLanguage[l]?.accuracy ?? null;
    const gap = (f: BenchFigures): number | null => {
      const en = lang(f, 'en');
      const de = lang(f, 'de');
      return en !== null && de !== null ? (en - de) * 100 : null;
    };
    add(
      `tobi: accuracy English (${h.byLanguage.en?.rows ?? 0} / ${cv.byLanguage.en?.rows ?? 0} tickets)`,
      lang(h, 'en'),
      lang(cv, 'en'),
      null,
      null,
    );
    add(
      `tobi: accuracy German (${h.byLanguage.de?.rows ?? 0} / ${cv.byLanguage.de?.rows ?? 0} tickets)`,
      lang(h, 'de'),
      lang(cv, 'de'),
      null,
      null,
    );
    add('tobi: German below English (points)', gap(h), gap(cv), 'max', 3);
    add('tobi: ECE before calibration', h.eceBefore, cv.eceBefore, null, null);
    add('tobi: ECE after calibration', h.eceAfter, cv.eceAfter, 'max', 0.03);
    if (h.priority && cv.priority) {
      add(
        'tobi: priority accuracy',
        h.priority.accuracy,
        cv.priority.accuracy,
        null,
        null,
        'text says little about urgency here: ~0.5 expected',
      );
      add('tobi: priority ECE', h.priority.ece, cv.priority.ece, null, null);
      const cvKept = cv.priority.kept;
      h.priority.kept.forEach((k, i) => {
        const c = cvKept[i];
        add(
          `tobi: share of priorities kept (${k.target * 100}% target)`,
          k.share,
          c?.share ?? null,
          null,
          null,
          i === 0 ? 'the rest get medium + priority_unsure' : undefined,
        );
        add(
          `tobi: accuracy of the priorities kept (${k.target * 100}% target)`,
          k.share ? k.accuracy : null,
          c?.share ? c.accuracy : null,
          null,
          null,
        );
      });
    }
    add('tobi: model file (MB)', h.fileBytes / 1e6, null, 'max', 5);
    add('tobi: training time (s)', h.trainSeconds, null, null, null, `${h.trainRows} email-length tickets`);
    const emails = Array.from({ length: 10_000 }, (_, i) => tobi[i % tobi.length] as LabelledTicket);
    const started = performance.now();
    trainLocalModel(emails, { seed, onProgress: progress('10k emails') });
    add(
      'training 10000 email-length tickets (s, tobi rows repeated)',
      (performance.now() - started) / 1000,
      null,
      'max',
      20,
    );
    const rate = predictionRate(h.model, h.testTickets);
    add(
      `tobi: prediction (tickets/s, all test tickets, mean ${rate.meanChars.toFixed(0)} chars)`,
      rate.perSecond,
      null,
      'min',
      20_000,
    );
    const emailLength = h.testTickets.filter((t) => Math.abs(t.subject.length + t.body.length - 550) <= 50);
    const long = predictionRate(h.model, emailLength);
    add(
      `tobi: prediction (tickets/s, ${emailLength.length} tickets of 500–600 chars)`,
      long.perSecond,
      null,
      'min',
      20_000,
      'warm word cache, one thread',
    );
    results.tobi = { holdout: strip(h), cv };
  }

  printTable();
  await mkdir(dirname(out), { recursive: true });
  const json = figures.map((f) => ({
    ...f,
    holdoutResult: passes(f, f.holdout) || null,
    cvResult: f.cv === null ? null : passes(f, f.cv) || null,
  }));
  await writeFile(
    out,
    `${JSON.stringify({ seed, testFraction, folds, dev: args.dev, figures: json, results }, null, 2)}\n`,
  );
  console.log(`\nfigures written to ${out}`);
}

function spread(xs: readonly number[]): string {
  return `folds ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
}

function strip(h: HoldoutResult): Omit<HoldoutResult, 'model' | 'testTickets'> {
  const { model: _model, testTickets: _tickets, ...rest } = h;
  return rest;
}

function printTable(): void {
  const fmt = (v: number | null): string => (v === null ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
  const header = ['figure', 'held-out', 'result', `${folds}-fold CV`, 'result', 'target', 'note'];
  const rows = figures.map((f) => [
    f.name,
    fmt(f.holdout),
    passes(f, f.holdout),
    fmt(f.cv),
    f.cv === null ? '' : passes(f, f.cv),
    f.bound === null || f.target === null ? '' : `${f.bound === 'min' ? '≥' : '≤'} ${f.target}`,
    f.note ?? '',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  console.log('');
  for (const r of [header, ...rows])
    console.log(
      r
        .map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell))
        .join('  ')
        .trimEnd(),
    );
}

await main();
