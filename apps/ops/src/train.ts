import { saveLocalModel, trainLocalModel } from '@switchboard/local-model';
import { options } from './args.js';
import { readLabelledSet } from './labelled-set.js';
import { progressBar } from './progress.js';

export const TRAIN_USAGE =
  'pnpm ops train --data <tickets.jsonl|csv> [--out models/local-default.json] [--seed 1] [--calibration 0.2]';

/** Trains the local model on labelled tickets and writes the versioned model file. */
export async function train(
  argv: readonly string[],
  repoFile: (p: string) => string,
  userPath: (p: string) => string,
): Promise<void> {
  const o = options(argv, ['data', 'out', 'seed', 'calibration']);
  if (!o.data) throw new Error(`--data is required\n${TRAIN_USAGE}`);
  const rows = await readLabelledSet(userPath(o.data));
  const out = o.out ? userPath(o.out) : repoFile('models/local-default.json');
  console.log(`training on ${rows.length} tickets from ${o.data}`);
  const bar = progressBar('train');
  const { file, metrics } = trainLocalModel(rows, {
    seed: Number(o.seed ?? 1),
    calibrationFraction: o.calibration ? Number(o.calibration) : undefined,
    onProgress: (done, total, phase) => bar(done, total, phase),
  });
  await saveLocalModel(out, file);
  console.log(JSON.stringify(metrics, null, 2));
  console.log(`wrote ${out}`);
}
