import { allQueueDefs, deadLetterQueue, inspectQueue, openFleet, type FleetContext } from '@switchboard/queues';
import { parseEnv } from '@switchboard/runtime';
import { parseCommand, usageLine, UsageError } from './args.js';
import type { CommandGroup, OpsContext } from './cli.js';
import { opsFleetEnv } from './config.js';
import { replayDeadLetters } from '@switchboard/lifecycle';

/** The fleet as the apps open it, closed when the command ends. */
export async function openOpsFleet(ctx: OpsContext): Promise<FleetContext> {
  const env = parseEnv(opsFleetEnv.schema, ctx.env);
  return ctx.scope.use('fleet', await openFleet(env, { role: 'producer', logger: ctx.logger }), (f) => f.close());
}

const LIST = { command: 'dead-letter list', summary: 'Lists the dead-lettered jobs.', options: {} };
const REPLAY = {
  command: 'dead-letter replay',
  summary: 'Puts dead-lettered jobs back on their queues (not those already with a person in human review).',
  positionals: '[<dead-letter-id>...]',
  options: { all: { type: 'boolean', description: 'replay every dead-lettered job' } },
} as const;

export const deadLetterCommands: CommandGroup = {
  command: 'dead-letter',
  summary: 'Jobs that exhausted their retries.',
  subcommands: {
    list: {
      spec: LIST,
      async run(argv, ctx) {
        if (!parseCommand(LIST, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const dlq = inspectQueue(deadLetterQueue, fleet.ctx);
        const jobs = await dlq.list(['waiting', 'delayed', 'completed', 'failed'], { end: 999 });
        for (const d of jobs) {
          ctx.print(
            d.ok ? `${d.id}\t${d.data.failedAt}\t${d.data.queue}\t${d.data.error}` : `${d.id}\t(unreadable entry)`,
          );
        }
        ctx.print(`${jobs.length} dead-lettered job(s)`);
      },
    },
    replay: {
      spec: REPLAY,
      async run(argv, ctx) {
        const parsed = parseCommand(REPLAY, argv, ctx.print);
        if (!parsed) return;
        const { values, positionals } = parsed;
        if (values.all === true && positionals.length > 0)
          throw new UsageError('dead-letter replay: give ids or --all, not both', usageLine(REPLAY));
        if (values.all !== true && positionals.length === 0)
          throw new UsageError('dead-letter replay: give the ids to replay, or --all', usageLine(REPLAY));
        const fleet = await openOpsFleet(ctx);
        const result = await replayDeadLetters(
          fleet.ctx,
          fleet.store,
          allQueueDefs(),
          values.all ? undefined : positionals,
        );
        ctx.print(`replayed ${result.replayed.length}: ${result.replayed.join(' ')}`);
        if (result.skipped.length > 0)
          console.error(`already with a person in human review, not replayed: ${result.skipped.join(' ')}`);
        if (result.missing.length > 0) {
          console.error(`not found or unreadable: ${result.missing.join(' ')}`);
          process.exitCode = 1;
        }
      },
    },
  },
};
