// Would a nearest-neighbour gate catch tickets on topics the model never learned? The learning-curve
// bench's file-order replay of BANKING77 (grouped by intent) showed the local tier taking whole new
// intents at 5–80%, in-domain by both of its gate's scores. This trains on the file's first rows,
// scores the next block, and measures how well the similarity to the nearest training tickets
// (word and word-pair TF-IDF, cosine, mean of the top 3; overall and within the predicted category)
// separates the tickets the tier would take wrongly, at cut-offs that turn away 1% and 5% of the
// tickets of intents it did see.
//
//   pnpm --filter @switchboard/local-model bench:novel-topics [--data <jsonl>] [--train 3000,4000,6000] [--block 1000]
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLDS, type Category } from '@switchboard/core';
import { readLabelledTickets } from './labelled-tickets.js';
import { trainLocalModel } from './train.js';
import type { LabelledTicket } from './types.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../../../shared/data/banking77/train.jsonl' },
    train: { type: 'string', default: '3000,4000,6000' },
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
  // The training store holds categories, not intents: the model is trained as a retrain would train it.
  const train = all.slice(0, size).map(({ fineLabel: _intent, ...r }) => r);
  const next = all.slice(size, size + block);
  const seenIntents = new Set(all.slice(0, size).map((r) => r.fineLabel));
  const { model } = trainLocalModel(train, { seed: 1 });
  const nearest = nearestIndex(train);
  const scored = next.map((r) => {
    const p = model.predict(r.subject, r.body);
    return {
      seen: seenIntents.has(r.fineLabel),
      taken: !p.outOfDomain && p.categoryConfidence >= threshold,
      right: p.category === r.category,
      overall: nearest(r.body),
      inCategory: nearest(r.body, p.category),
    };
  });
  console.log(`\ntrained on rows 1–${size}, scored rows ${size + 1}–${size + next.length} (threshold ${threshold}):`);
  for (const seen of [true, false]) {
    const group = scored.filter((s) => s.seen === seen);
    const taken = group.filter((s) => s.taken);
    console.log(
      `  ${seen ? 'intents it saw' : 'new intents   '}: ${group.length} tickets, takes ${taken.length} at ${pct(taken.filter((s) => s.right).length, taken.length)}`,
    );
  }
  const taken = scored.filter((s) => s.taken);
  const wrong = taken.filter((s) => !s.right);
  for (const key of ['overall', 'inCategory'] as const) {
    const seenScores = scored
      .filter((s) => s.seen)
      .map((s) => s[key])
      .sort((a, b) => a - b);
    for (const share of [0.01, 0.05]) {
      const cut = seenScores[Math.floor(share * seenScores.length)] ?? 0;
      const kept = taken.filter((s) => s[key] >= cut);
      console.log(
        `  ${key.padEnd(10)} cut turning away ${share * 100}% of seen intents (${cut.toFixed(3)}): takes ${kept.length}/${taken.length} at ${pct(kept.filter((s) => s.right).length, kept.length)} (${pct(taken.length - wrong.length, taken.length)} without); catches ${wrong.filter((s) => s[key] < cut).length} of ${wrong.length} wrong`,
      );
    }
  }
}
