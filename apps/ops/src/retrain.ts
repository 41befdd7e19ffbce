import { requestRetrain, type RetrainOutcome } from '@switchboard/retrain';
import { numberOption, parseCommand } from './args.js';
import type { Command } from './cli.js';
import { openOpsFleet } from './dead-letter.js';

const RETRAIN = {
  command: 'retrain',
  summary:
    'Retrains the local model now (a running drift app does it) and waits for the outcome: promoted, rejected, or why not.',
  options: {
    timeout: { type: 'string', value: '<minutes>', description: 'how long to wait for the outcome (default 30)' },
  },
} as const;

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function describe(o: RetrainOutcome): string[] {
  if (o.kind !== 'promoted' && o.kind !== 'rejected') return [`${o.kind.replaceAll('_', ' ')}: ${o.message}`];
  const c = o.comparison;
  const rows = Object.entries(o.trainingRows)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return [
    `${o.kind.toUpperCase()}: ${o.message}`,
    `  held-back human labels: ${c.tickets}; challenger ${o.version} takes ${pct(c.challenger.share)} at ${pct(c.challenger.accuracy)}, champion ${o.champion ?? '(none)'} ${pct(c.champion.share)} at ${pct(c.champion.accuracy)}`,
    `  trained on: ${rows}; ${o.trainSeconds.toFixed(1)} s; file ${(o.fileBytes / 1024 / 1024).toFixed(2)} MB`,
  ];
}

export const retrainCommand: Command = {
  spec: RETRAIN,
  async run(argv, ctx) {
    const parsed = parseCommand(RETRAIN, argv, ctx.print);
    if (!parsed) return;
    const minutes = numberOption(RETRAIN, 'timeout', parsed.values.timeout) ?? 30;
    const fleet = await openOpsFleet(ctx);
    ctx.print('retrain queued; waiting for a drift app to run it…');
    const { jobId, result } = await requestRetrain(fleet.ctx, { timeoutMs: minutes * 60_000 });
    if (result.kind === 'finished') for (const line of describe(result.outcome)) ctx.print(line);
    else if (result.kind === 'failed')
      throw new Error(
        `retrain ${jobId} failed (attempt ${result.attempts}): ${result.error}${result.final ? '' : '; it will be retried'}. The current model stays.`,
      );
    else
      throw new Error(
        `retrain ${jobId} did not finish within ${minutes} min: is a drift app running? The job stays queued.`,
      );
  },
};
