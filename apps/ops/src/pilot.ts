import { writeFile } from 'node:fs/promises';
import { RolloutStageText, stageLabel, type RolloutStage } from '@switchboard/core';
import {
  checkStageChange,
  DEFAULT_GATES,
  parsePilotRows,
  pilotCandidate,
  pilotMarkdown,
  pilotReport,
} from '@switchboard/pilot';
import { inspectQueue, jobIdForTicket, openFleet, ticketsQueue, type FleetContext } from '@switchboard/queues';
import { parseEnv, type EnvOf } from '@switchboard/runtime';
import { numberOption, parseCommand, usageLine, UsageError } from './args.js';
import type { CommandGroup, OpsContext } from './cli.js';
import { opsPilotEnv } from './config.js';

export const parseStage = (s: string): RolloutStage => {
  const v = RolloutStageText.safeParse(s);
  if (!v.success) throw new Error(`stage must be off, shadow or a percentage 0-100, not "${s}"`);
  return v.data;
};

const STAGE = {
  command: 'pilot stage',
  summary: 'Shows the pilot stage, or sets it (classifiers pick it up within a second, without a restart).',
  positionals: '[off|shadow|5|50|100]',
  options: {
    note: { type: 'string', value: '"..."', description: 'why, kept with the stage' },
    force: {
      type: 'boolean',
      description: 'move forward although the gate says not yet, or skipping a stage (logged with who)',
    },
    clear: { type: 'boolean', description: 'drop the stored stage: back to ROLLOUT_STAGE from the environment' },
  },
} as const;
const REPORT = {
  command: 'pilot report',
  summary: "The pilot's figures and its gate for the last days.",
  options: {
    days: { type: 'string', value: '<n>', description: 'days to report on (default 7)' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
} as const;
const CANDIDATES = {
  command: 'pilot candidates',
  summary: 'Writes the tickets where the new router and feedback disagreed, as candidate eval items.',
  options: {
    out: { type: 'string', value: '<file.jsonl>', required: true, description: 'where to write them' },
    days: { type: 'string', value: '<n>', description: 'days to look back (default 30)' },
  },
} as const;

async function openPilot(ctx: OpsContext): Promise<{ env: EnvOf<typeof opsPilotEnv>; fleet: FleetContext }> {
  const env = parseEnv(opsPilotEnv.schema, ctx.env);
  const fleet = ctx.scope.use('fleet', await openFleet(env, { role: 'producer', logger: ctx.logger }), (f) =>
    f.close(),
  );
  return { env, fleet };
}

const current = async (fleet: FleetContext, configured: RolloutStage | undefined): Promise<RolloutStage> =>
  (await fleet.rollout.get()).stored?.stage ?? configured ?? 'off';

const window = async (fleet: FleetContext, days: number) => {
  const to = new Date();
  return parsePilotRows(await fleet.pilot.rows(new Date(to.getTime() - days * 86_400_000), to));
};

/** The pilot from the command line: change its stage, read its report, export what it taught us. */
export const pilotCommands: CommandGroup = {
  command: 'pilot',
  summary: 'The pilot of the new router against the legacy one.',
  subcommands: {
    stage: {
      spec: STAGE,
      async run(argv, ctx) {
        const parsed = parseCommand(STAGE, argv, ctx.print);
        if (!parsed) return;
        const [value, ...extra] = parsed.positionals;
        if (extra.length > 0) throw new UsageError('pilot stage: one stage at a time', usageLine(STAGE));
        const by = ctx.env.USER ?? 'operator';
        const { env, fleet } = await openPilot(ctx);
        if (parsed.values.clear === true) {
          if (value !== undefined)
            throw new UsageError('pilot stage: give a stage or --clear, not both', usageLine(STAGE));
          const before = (await fleet.rollout.get()).stored;
          await fleet.rollout.clear();
          ctx.logger.info({ by, from: before?.stage ?? null, to: env.ROLLOUT_STAGE ?? 'off' }, 'pilot stage cleared');
          ctx.print(
            `stored stage ${before ? stageLabel(before.stage) : '(none)'} dropped; the fleet is back on ROLLOUT_STAGE: ${stageLabel(env.ROLLOUT_STAGE ?? 'off')}`,
          );
          return;
        }
        if (value === undefined) {
          const { stored } = await fleet.rollout.get();
          ctx.print(
            stored
              ? `stage ${stageLabel(stored.stage)} since ${stored.since} (by ${stored.by}${stored.note ? `: ${stored.note}` : ''})`
              : `stage ${stageLabel(await current(fleet, env.ROLLOUT_STAGE))} (from configuration)`,
          );
          return;
        }
        const stage = parseStage(value);
        const from = await current(fleet, env.ROLLOUT_STAGE);
        const { tickets } = await window(fleet, 7);
        const change = checkStageChange(
          from,
          stage,
          pilotReport(tickets, from, { ...DEFAULT_GATES, ...env.PILOT_GATES }),
        );
        if (!change.allowed && parsed.values.force !== true)
          throw new UsageError(
            `pilot stage: not moving from ${stageLabel(from)} to ${stageLabel(stage)}: ${change.reason}. Add --force to do it anyway (logged with your name).`,
            usageLine(STAGE),
          );
        const forced = !change.allowed;
        if (forced)
          ctx.logger.warn({ by, from, to: stage, reason: change.reason }, 'pilot stage forced against the gate');
        else ctx.logger.info({ by, from, to: stage }, 'pilot stage changed');
        await fleet.rollout.set({
          stage,
          since: new Date().toISOString(),
          by,
          note: forced
            ? `forced against the gate (${change.reason})${parsed.values.note ? `: ${parsed.values.note}` : ''}`.slice(
                0,
                500,
              )
            : parsed.values.note,
        });
        ctx.print(`stage set to ${stageLabel(stage)}; classifiers pick it up within a second, without a restart`);
      },
    },
    report: {
      spec: REPORT,
      async run(argv, ctx) {
        const parsed = parseCommand(REPORT, argv, ctx.print);
        if (!parsed) return;
        const days = numberOption(REPORT, 'days', parsed.values.days) ?? 7;
        if (!(days > 0)) throw new UsageError('--days must be a positive number', usageLine(REPORT));
        const { env, fleet } = await openPilot(ctx);
        const { tickets, skipped } = await window(fleet, days);
        const report = pilotReport(tickets, await current(fleet, env.ROLLOUT_STAGE), {
          ...DEFAULT_GATES,
          ...env.PILOT_GATES,
        });
        if (parsed.values.json === true) ctx.print(JSON.stringify(report, null, 2));
        else
          ctx.print(
            `Pilot, last ${days} days\n\n${pilotMarkdown(report)}${skipped ? `\n\n(${skipped} unreadable records skipped)` : ''}`,
          );
      },
    },
    candidates: {
      spec: CANDIDATES,
      async run(argv, ctx) {
        const parsed = parseCommand(CANDIDATES, argv, ctx.print);
        if (!parsed) return;
        const days = numberOption(CANDIDATES, 'days', parsed.values.days) ?? 30;
        const { fleet } = await openPilot(ctx);
        const { tickets } = await window(fleet, days);
        const queue = inspectQueue(ticketsQueue, fleet.ctx);
        const lines: string[] = [];
        let gone = 0;
        for (const t of tickets.filter((x) => x.feedback && x.next && x.next.category !== x.legacy.category)) {
          const job = await queue.get(jobIdForTicket(t.ticketId));
          const candidate = job?.ok ? pilotCandidate(job.data.ticket, t) : null;
          if (candidate) lines.push(JSON.stringify(candidate));
          else gone++;
        }
        await writeFile(ctx.userPath(parsed.values.out), lines.map((l) => `${l}\n`).join(''));
        ctx.print(
          `wrote ${lines.length} candidate eval items to ${parsed.values.out}${gone ? `; ${gone} disagreements are older than the queue keeps ticket text (7 days)` : ''}`,
        );
      },
    },
  },
};
