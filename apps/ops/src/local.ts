import { isoWeek, wilsonInterval } from '@switchboard/core';
import { parseCommand } from './args.js';
import type { CommandGroup } from './cli.js';
import { openOpsFleet } from './dead-letter.js';

const STATUS = {
  command: 'local status',
  summary: "Shows the local tier's fleet-wide switch, the live guard's window and this week's agreement.",
  options: {},
};
const ON = {
  command: 'local on',
  summary: "Switches the local tier back on (clears the guard's or a person's switch) and restarts its judgment.",
  options: { reason: { type: 'string', value: '"..."', description: 'why, kept in the weekly report' } },
} as const;
const OFF = {
  command: 'local off',
  summary: 'Switches the local tier off fleet-wide until a person runs `local on`.',
  options: { reason: { type: 'string', value: '"..."', description: 'why, shown in status and the weekly report' } },
} as const;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The local tier's fleet-wide switch, for the person on call. */
export const localCommands: CommandGroup = {
  command: 'local',
  summary: "The local tier's fleet-wide switch and the live guard.",
  subcommands: {
    status: {
      spec: STATUS,
      async run(argv, ctx) {
        if (!parseCommand(STATUS, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const { state, invalid } = await fleet.guard.localSwitch();
        ctx.print(
          state
            ? `local tier OFF since ${state.since} (by ${state.by}: ${state.reason})${invalid ? ' — the stored value is unreadable; run `local on` to clear it' : ''}`
            : 'local tier on',
        );
        for (const tier of ['local', 'cheap'] as const) {
          const w = await fleet.guard.window(tier);
          if (w.judged === 0) {
            ctx.print(`${tier}: no judged tickets in the guard's window yet`);
            continue;
          }
          const { low, high } = wilsonInterval(w.agreed, w.judged);
          const byPeople = wilsonInterval(w.people.agreed, w.people.judged);
          const people = w.people.judged
            ? `; people judged ${w.people.judged}: ${w.people.agreed} right (${pct(w.people.agreed / w.people.judged)}, 95% ${pct(byPeople.low)}–${pct(byPeople.high)})`
            : '';
          ctx.print(
            `${tier}: ${w.agreed}/${w.judged} judged tickets agreed (${pct(w.agreed / w.judged)}, 95% ${pct(low)}–${pct(high)})${people}`,
          );
        }
        const week = isoWeek(new Date());
        const cells = Object.entries(await fleet.guard.weekAgreement(week)).sort(([a], [b]) => a.localeCompare(b));
        if (!cells.length) ctx.print(`${week}: no spot checks or ground truth yet`);
        for (const [key, c] of cells) {
          const [tier, judge, category] = key.split(':');
          ctx.print(`${week}\t${tier} vs ${judge}\t${category}\t${c.agreed}/${c.judged}`);
        }
      },
    },
    on: {
      spec: ON,
      async run(argv, ctx) {
        const parsed = parseCommand(ON, argv, ctx.print);
        if (!parsed) return;
        const fleet = await openOpsFleet(ctx);
        const cleared = await fleet.guard.switchLocalOn(
          parsed.values.reason ?? 'switched on by an operator',
          new Date(),
        );
        ctx.print(
          cleared
            ? 'local tier on: classifiers use it again within a second; the guard judges it afresh'
            : "local tier was already on; the guard's window was restarted",
        );
      },
    },
    off: {
      spec: OFF,
      async run(argv, ctx) {
        const parsed = parseCommand(OFF, argv, ctx.print);
        if (!parsed) return;
        const fleet = await openOpsFleet(ctx);
        await fleet.guard.switchLocalOff({
          off: true,
          by: 'operator',
          since: new Date().toISOString(),
          reason: parsed.values.reason ?? 'switched off by an operator',
        });
        ctx.print('local tier OFF fleet-wide: its tickets go to the next tier (or people) within a second');
      },
    },
  },
};
