import { saveLocalModel, trainLocalModel } from '@switchboard/local-model';
import { REPO_PATHS } from '@switchboard/classifier';
import { numberOption, parseCommand } from './args.js';
import type { Command } from './cli.js';
import { readLabelledSet } from './labelled-set.js';
import { progressBar } from './progress.js';

const TRAIN = {
  command: 'train',
  summary: 'Trains the local model on labelled tickets and writes the versioned model file.',
  options: {
    data: { type: 'string', value: '<tickets.jsonl|csv>', required: true, description: 'the labelled tickets' },
    out: {
      type: 'string',
      value: '<model.json>',
      description: 'where to write the model (default models/local-default.json)',
    },
    seed: { type: 'string', value: '<n>', description: 'random seed (default 1)' },
    calibration: { type: 'string', value: '<fraction>', description: 'share held out for calibration (default 0.2)' },
  },
} as const;

export const trainCommand: Command = {
  spec: TRAIN,
  async run(argv, ctx) {
    const parsed = parseCommand(TRAIN, argv, ctx.print);
    if (!parsed) return;
    const o = parsed.values;
    const rows = await readLabelledSet(ctx.userPath(o.data));
    const out = o.out ? ctx.userPath(o.out) : REPO_PATHS.localModel;
    ctx.print(`training on ${rows.length} tickets from ${o.data}`);
    const bar = progressBar('train');
    const { file, metrics } = trainLocalModel(rows, {
      seed: numberOption(TRAIN, 'seed', o.seed) ?? 1,
      calibrationFraction: numberOption(TRAIN, 'calibration', o.calibration),
      onProgress: (done, total, phase) => bar(done, total, phase),
    });
    await saveLocalModel(out, file);
    ctx.print(JSON.stringify(metrics, null, 2));
    ctx.print(`wrote ${out}`);
  },
};
