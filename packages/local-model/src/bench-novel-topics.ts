// Would a nearest-neighbour gate catch tickets on topics the model never learned? The learning-curve
// bench's file-order replay of BANKING77 (grouped by intent) showed the local tier taking whole new
// intents at 5–80%, in-domain by both of its gate's scores. This trains on the file's first rows,
// scores the next block, and measures how well the similarity to the nearest training tickets
// (word and word-pair TF-IDF, cosine, mean of the top 3; overall and within the predicted category)
// separates the tickets the tier would take wrongly, at cut-offs that turn away 1% and 5% of the
// held-out tickets of intents it did see.
//
//   pnpm --filter @switchboard/local-model bench:novel-topics [--data <jsonl>] [--train 3000,4000,5000,6000,7000] [--block 1000]
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLDS, type Category } from '@switchboard/core';
import { readLabelledTickets } from './labelled-tickets.js';
import { trainLocalModel } from './train.js';
import type { LabelledTicket } from './types.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../../../shared/data/banking77/train.jsonl' },
    train: { type: 'string', default: '3000,4000,5000,6000,7000' },
    block: { type: 'string', default: '1000' },
    threshold: { type: 'string', default: String(DEFAULT_THRESHOLDS.local) },
  },
});
const threshold = Number(args.threshold);
const block = Number(args.block);
const trainSizes = args.train.split(',').map(Number);
if (!(threshold > 0 && threshold < 1) || !(block > 0) || trainSizes.some((n) => !(n > 0)))
  throw new Error('--threshold must be in (0, 1); --block and --train positive numbers');

const all = await readLabelledTickets(args.data);

function tokens(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const pairs = words.slice(1).map((w, i) => `${words[i]}_${w}`);
  return [...words, ...pairs];
}

/** Cosine similarity of a ticket to its nearest training tickets, through an inverted index. */
function nearestIndex(train: readonly LabelledTicket[]): (text: string, within?: Category) => number {
  const df = new Map<string, number>();
  for (const r of train) for (const t of new Set(tokens(r.body))) df.set(t, (df.get(t) ?? 0) + 1);
  const vector = (text: string): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const t of tokens(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, c] of tf) {
      const d = df.get(t);
      if (d === undefined) continue;
      const w = (1 + Math.log(c)) * Math.log(train.length / d);
      v.set(t, w);
      norm += w * w;
    }
    for (const [t, w] of v) v.set(t, w / (Math.sqrt(norm) || 1));
    return v;
  };
  const postings = new Map<string, [number, number][]>();
  train.forEach((r, i) => {
    for (const [t, w] of vector(r.body)) {
      const list = postings.get(t) ?? [];
      list.push([i, w]);
      postings.set(t, list);
    }
  });
  return (text, within) => {
    const dots = new Map<number, number>();
    for (const [t, w] of vector(text))
      for (const [i, x] of postings.get(t) ?? []) dots.set(i, (dots.get(i) ?? 0) + w * x);
    const top = [...dots]
      .filter(([i]) => within === undefined || train[i]?.category === within)
      .map(([, s]) => s)
      .sort((a, b) => b - a);
    return ((top[0] ?? 0) + (top[1] ?? 0) + (top[2] ?? 0)) / 3;
  };
}

const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

for (const size of trainSizes) {
  // Every 10th row of the prefix is held out of the fit and the index: tickets of intents the model
  // knows, seen for the first time, on which the cut-offs are set (the desk's own next tickets).
  const prefix = all.slice(0, size);
  const known = prefix.filter((_, i) => i % 10 === 9);
  // The training store holds categories, not intents: the model is trained as a retrain would train it.
  const train = prefix.filter((_, i) => i % 10 !== 9).map(({ fineLabel: _intent, ...r }) => r);
  const seenIntents = new Set(prefix.map((r) => r.fineLabel));
  const next = all.slice(size, size + block).filter((r) => !seenIntents.has(r.fineLabel));
  const { model } = trainLocalModel(train, { seed: 1 });
  const nearest = nearestIndex(train);
  const score = (r: LabelledTicket) => {
    const p = model.predict(r.subject, r.body);
    return {
      taken: !p.outOfDomain && p.categoryConfidence >= threshold,
      right: p.category === r.category,
      overall: nearest(r.body),
      inCategory: nearest(r.body, p.category),
    };
  };
  const knownScored = known.map(score);
  const novel = next.map(score);
  const taken = novel.filter((s) => s.taken);
  const wrong = taken.filter((s) => !s.right);
  const knownTaken = knownScored.filter((s) => s.taken);
  console.log(`\ntrained on ${train.length} of rows 1–${size} (threshold ${threshold}):`);
  console.log(
    `  held-out tickets of known intents: ${known.length}, takes ${knownTaken.length} at ${pct(knownTaken.filter((s) => s.right).length, knownTaken.length)}`,
  );
  console.log(
    `  tickets of new intents in rows ${size + 1}–${size + block}: ${novel.length}, takes ${taken.length} at ${pct(taken.length - wrong.length, taken.length)}`,
  );
  for (const key of ['overall', 'inCategory'] as const) {
    const knownScores = knownScored.map((s) => s[key]).sort((a, b) => a - b);
    for (const share of [0.01, 0.05]) {
      const cut = knownScores[Math.floor(share * knownScores.length)] ?? 0;
      const kept = taken.filter((s) => s[key] >= cut);
      console.log(
        `  ${key.padEnd(10)} cut turning away ${share * 100}% of known (${cut.toFixed(3)}): of the new intents it still takes ${kept.length} at ${pct(kept.filter((s) => s.right).length, kept.length)}; catches ${wrong.filter((s) => s[key] < cut).length} of ${wrong.length} wrong`,
      );
    }
  }
}
