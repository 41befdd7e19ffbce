import { requestDriftCheck } from '@switchboard/drift';
import { numberOption, parseCommand } from './args.js';
import type { CommandGroup } from './cli.js';
import { openOpsFleet } from './dead-letter.js';

const STATUS = { command: 'fallback status', summary: "Shows whether drift's cheap-tier switch is on.", options: {} };
const ON = {
  command: 'fallback on',
  summary: 'Switches the cheap tier off fleet-wide (unsure tickets go to the strong tier), within a daily cap.',
  options: {
    cap: {
      type: 'string',
      value: '<usd-per-day>',
      required: true,
      description: 'the most the strong tier may cost per day while the fallback is on',
    },
    reason: { type: 'string', value: '"..."', description: 'why, shown in status and the weekly report' },
  },
} as const;
const OFF = { command: 'fallback off', summary: 'Switches the cheap tier back on.', options: {} };
const RUN = {
  command: 'drift run',
  summary: 'Queues a drift check now; a running drift app picks it up and posts the results.',
  options: {},
};

/** The fleet-wide cheap-tier switch, for the person on call. */
export const fallbackCommands: CommandGroup = {
  command: 'fallback',
  summary: 'The fleet-wide cheap-tier switch.',
  subcommands: {
    status: {
      spec: STATUS,
      async run(argv, ctx) {
        if (!parseCommand(STATUS, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const { state, invalid } = await fleet.fallback.get();
        const spent = await fleet.fallback.spent(new Date());
        if (!state) ctx.print('fallback off: the cheap tier is in use');
        else
          ctx.print(
            `fallback ON since ${state.since} (by ${state.by}: ${state.reason}); strong-tier spend today $${spent.toFixed(4)} of $${state.dailyCapUsd}${invalid ? ' — the stored value is unreadable; run `off` to clear it' : ''}`,
          );
      },
    },
    on: {
      spec: ON,
      async run(argv, ctx) {
        const parsed = parseCommand(ON, argv, ctx.print);
        if (!parsed) return;
        const cap = numberOption(ON, 'cap', parsed.values.cap) ?? -1;
        if (!(cap >= 0))
          throw new Error(
            '--cap <usd-per-day> is required: the most the strong tier may cost per day while the fallback is on',
          );
        const fleet = await openOpsFleet(ctx);
        const set = await fleet.fallback.set({
          cheapOff: true,
          since: new Date().toISOString(),
          by: 'operator',
          reason: parsed.values.reason ?? 'switched on by an operator',
          dailyCapUsd: cap,
        });
        ctx.print(
          set
            ? `fallback ON: the cheap tier is off, strong-tier spend capped at $${cap}/day`
            : 'fallback was already on (switch it off first to change it)',
        );
      },
    },
    off: {
      spec: OFF,
      async run(argv, ctx) {
        if (!parseCommand(OFF, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const cleared = await fleet.fallback.clear();
        // The live guard judges the cheap tier afresh: its old window is what switched it off.
        await fleet.guard.resetWindow('cheap');
        if (cleared)
          await fleet.guard.logEvent({
            at: new Date().toISOString(),
            tier: 'cheap',
            action: 'on',
            by: 'operator',
            reason: 'fallback switched off by an operator',
          });
        ctx.print(
          cleared ? 'fallback off: classifiers use the cheap tier again within a second' : 'fallback was already off',
        );
      },
    },
  },
};

export const driftCommands: CommandGroup = {
  command: 'drift',
  summary: 'The weekly drift check.',
  subcommands: {
    run: {
      spec: RUN,
      async run(argv, ctx) {
        if (!parseCommand(RUN, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const id = await requestDriftCheck(fleet.ctx);
        ctx.print(`drift check ${id} queued; a running drift app picks it up and posts the results`);
      },
    },
  },
};
