// Benchmark of the local tier on traffic from other desks (issue 14). The public sets in
// ../shared/data stand for desks the model was not trained on; the project's own eval set for the
// desk's next tickets. Every figure is what the local tier does in the cascade: tickets with a
// critical keyword or a rule-tier hotword never reach it, and it takes a ticket when the model's
// confidence clears the tier's threshold (DEFAULT_THRESHOLDS.local unless --threshold) and the
// out-of-domain gate lets it through. Nothing here is fitted on the sets it scores.
//
//   pnpm --filter @switchboard/local-model bench:domains [--data <dir>] [--model <file>] [--threshold 0.9]
//        [--seed 7] [--baseline <bench.json of the main bench>] [--out <file.json>]
//
// (a) the shipped default model on each public set and on the eval set;
// (b) a model trained on each public set, scored on every other set (rows: trained on; columns:
//     scored on; cells: share taken / accuracy on it);
// (c) in-domain: BANKING77 and Tobi trained on a seeded 80% and scored on the held-out 20% with
//     the model's own stored threshold, as the main bench does (compare with its figures).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Category,
  createKeywordMatcher,
  DEFAULT_CRITICAL_KEYWORDS,
  DEFAULT_HOTWORDS,
  DEFAULT_THRESHOLDS,
} from '@switchboard/core';
import { benchHoldout } from './bench-set.js';
import { readLabelledTickets } from './labelled-tickets.js';
import { loadLocalModel } from './persist.js';
import { trainLocalModel } from './train.js';
import type { LabelledTicket, LocalModel } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repo, '../shared/data') },
    model: { type: 'string', default: join(repo, 'models/local-default.json') },
    threshold: { type: 'string', default: String(DEFAULT_THRESHOLDS.local) },
    seed: { type: 'string', default: '7' },
    baseline: { type: 'string' },
    out: { type: 'string', default: resolve(here, '../test-artifacts/bench-domains.json') },
  },
});
const threshold = Number(args.threshold);
const seed = Number(args.seed);
const PUBLIC = ['banking77', 'bitext', 'tobi'] as const;
const EVAL = 'switchboard-eval';
/** The rule: accurate on what it takes, or it takes almost nothing. */
const MIN_ACCURACY = 0.9;
const MAX_SHARE = 0.02;

interface Cell {
  rows: number;
  /** Share of all rows the local tier took. */
  share: number;
  /** Accuracy on what it took (null when it took nothing). */
  accuracy: number | null;
  /** Share of the rows that reached the local tier which the gate turned away. */
  outOfDomain: number;
  pass: boolean;
}

const skipsLocal = createKeywordMatcher([...DEFAULT_CRITICAL_KEYWORDS, ...DEFAULT_HOTWORDS]);

function score(model: LocalModel, rows: readonly LabelledTicket[], at = threshold): Cell {
  let reached = 0;
  let declined = 0;
  let taken = 0;
  let right = 0;
  for (const r of rows) {
    if (skipsLocal.first(r.subject ? [r.subject, r.body] : [r.body]) !== undefined) continue;
    reached++;
    const p = model.predict(r.subject, r.body);
    // `outOfDomain` is absent before the gate existed; the same script measured "before".
    if ((p as { outOfDomain?: boolean }).outOfDomain) declined++;
    else if (p.categoryConfidence >= at) {
      taken++;
      if (p.category === r.category) right++;
    }
  }
  const share = rows.length ? taken / rows.length : 0;
  const accuracy = taken ? right / taken : null;
  return {
    rows: rows.length,
    share,
    accuracy,
    outOfDomain: reached ? declined / reached : 0,
    pass: share < MAX_SHARE || (accuracy ?? 0) >= MIN_ACCURACY,
  };
}

function readEvalSet(path: string): LabelledTicket[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const o = JSON.parse(l) as { id?: string; subject?: string; body: string; expected: { category: unknown } };
      return { id: o.id, subject: o.subject ?? '', body: o.body, category: Category.parse(o.expected.category) };
    });
}

const pct = (x: number | null): string => (x === null ? '  –  ' : `${(x * 100).toFixed(1)}%`);
const cellText = (c: Cell | undefined): string =>
  c ? `${pct(c.share)} / ${pct(c.accuracy)} ${c.pass ? 'ok' : 'FAIL'}` : '—';

function printMatrix(
  title: string,
  rows: [string, Record<string, Cell | undefined>][],
  columns: readonly string[],
): void {
  console.log(`\n${title}`);
  const header = ['trained on \\ scored on', ...columns];
  const body = rows.map(([name, cells]) => [name, ...columns.map((c) => cellText(cells[c]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...body])
    console.log(
      r
        .map((x, i) => x.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

async function main(): Promise<void> {
  console.log(
    `local tier on other desks' traffic — threshold ${threshold}, rule: accuracy on what it takes ≥ ${MIN_ACCURACY} or it takes < ${MAX_SHARE * 100}%; cells are share taken / accuracy on it`,
  );
  const sets: Record<string, LabelledTicket[]> = {};
  for (const name of PUBLIC) {
    const path = join(args.data, name, 'train.jsonl');
    if (!existsSync(path)) {
      console.log(`skip ${name}: ${path} not found`);
      continue;
    }
    sets[name] = await readLabelledTickets(path);
  }
  sets[EVAL] = readEvalSet(join(repo, 'eval/sets', `${EVAL}.jsonl`));
  const columns = [...PUBLIC.filter((s) => sets[s]), EVAL];

  const results: Record<string, unknown> = {};
  const defaultModel = await loadLocalModel(args.model);
  const gate = defaultModel.meta.outOfDomain as LocalModel['meta']['outOfDomain'] | undefined;
  console.log(
    `\n(a) default model ${defaultModel.meta.modelVersion} (${args.model}), trained on ${defaultModel.meta.trainingRows} rows` +
      (gate
        ? `; gate: coverage ≥ ${gate.coverageCut.toFixed(3)}, energy ≥ ${gate.energyCut.toFixed(2)}` +
          (gate.rejectShare === null
            ? ' (default gate of an old file)'
            : ` (fitted to turn away ${gate.rejectShare * 100}% of its calibration split)`)
        : '; no gate'),
  );
  const defaultRow: Record<string, Cell> = {};
  for (const c of columns) {
    const cell = score(defaultModel, sets[c] as LabelledTicket[]);
    defaultRow[c] = cell;
    console.log(
      `  ${c.padEnd(18)} rows ${String(cell.rows).padStart(6)}  takes ${pct(cell.share).padStart(6)}  accuracy ${pct(cell.accuracy).padStart(6)}  out of domain ${pct(cell.outOfDomain).padStart(6)}  ${c === EVAL ? '(share: within 5 points of 41%, accuracy ≥ today)' : cell.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  results.defaultModel = { modelVersion: defaultModel.meta.modelVersion, cells: defaultRow };

  // (c) first: the held-out models are also the matrix's diagonal.
  const inDomain: Record<string, { share: number; accuracy: number; baseline?: { share: number; accuracy: number } }> =
    {};
  const baseline = args.baseline
    ? (JSON.parse(readFileSync(args.baseline, 'utf8')) as {
        results: Record<string, { holdout: { coverage: number; coveredAccuracy: number } }>;
      })
    : null;
  for (const [name, target] of [
    ['banking77', 0.95],
    ['tobi', 0.9],
  ] as const) {
    const rows = sets[name];
    if (!rows) continue;
    const h = await benchHoldout(rows, 0.2, { seed, categoryTarget: target, priorityTargets: [] });
    const before = baseline?.results[name]?.holdout;
    inDomain[name] = {
      share: h.coverage,
      accuracy: h.coveredAccuracy,
      ...(before ? { baseline: { share: before.coverage, accuracy: before.coveredAccuracy } } : {}),
    };
  }

  const matrix: [string, Record<string, Cell | undefined>][] = [['switchboard (default model)', defaultRow]];
  for (const trainedOn of PUBLIC) {
    const rows = sets[trainedOn];
    if (!rows) continue;
    const { model } = trainLocalModel(rows, { seed });
    const row: Record<string, Cell | undefined> = {};
    for (const c of columns) if (c !== trainedOn) row[c] = score(model, sets[c] as LabelledTicket[]);
    matrix.push([trainedOn, row]);
  }
  printMatrix('(b) trained on a whole set, scored on the others at the tier threshold:', matrix, columns);
  results.matrix = Object.fromEntries(matrix);

  console.log(`\n(c) in-domain, held-out 20% (seed ${seed}), the model's own threshold for the target:`);
  for (const [name, f] of Object.entries(inDomain)) {
    const delta = f.baseline
      ? `  vs before ${pct(f.baseline.share)} / ${pct(f.baseline.accuracy)}: ${((f.share - f.baseline.share) * 100).toFixed(1)} / ${((f.accuracy - f.baseline.accuracy) * 100).toFixed(1)} points ${Math.abs(f.share - f.baseline.share) <= 0.01 && f.accuracy - f.baseline.accuracy >= -0.01 ? 'PASS' : 'FAIL'}`
      : '';
    console.log(`  ${name.padEnd(10)} takes ${pct(f.share)} at ${pct(f.accuracy)}${delta}`);
  }
  results.inDomain = inDomain;

  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, `${JSON.stringify({ threshold, seed, results }, null, 2)}\n`);
  console.log(`\nfigures written to ${args.out}`);
}

await main();
