import { writeFile } from 'node:fs/promises';
import { RolloutStageText, stageLabel, type RolloutStage } from '@switchboard/core';
import {
  DEFAULT_GATES,
  GateConfig,
  parsePilotRows,
  pilotCandidate,
  pilotMarkdown,
  pilotReport,
} from '@switchboard/pilot';
import {
  inspectQueue,
  jobIdForTicket,
  openFleetContext,
  PilotLedger,
  RolloutStageStore,
  ticketsQueue,
} from '@switchboard/queues';
import { commonEnv, jsonOf, parseEnv, type Logger } from '@switchboard/runtime';
import { z } from 'zod';
import { options } from './args.js';

export const PILOT_USAGE =
  'pnpm ops pilot stage [off|shadow|5|50|100 --note "..."] | report [--days 7] [--json] | candidates --out <file.jsonl> [--days 30]';

const PilotEnv = commonEnv.extend({
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(8).default(30),
  ROLLOUT_STAGE: RolloutStageText.optional(),
  PILOT_GATES: jsonOf(GateConfig).optional(),
});

export const parseStage = (s: string): RolloutStage => {
  const v = RolloutStageText.safeParse(s);
  if (!v.success) throw new Error(`stage must be off, shadow or a percentage 0-100, not "${s}"`);
  return v.data;
};

/** The pilot from the command line: change its stage, read its report, export what it taught us. */
export async function pilot(argv: readonly string[], logger: Logger, userPath: (p: string) => string): Promise<void> {
  const [command, ...rest] = argv;
  const env = parseEnv(PilotEnv, process.env);
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'producer',
    logger,
    retentionDays: env.RECORD_RETENTION_DAYS,
  });
  const stages = new RolloutStageStore(fleet.redis, env.QUEUE_PREFIX);
  const ledger = new PilotLedger(fleet.redis, env.QUEUE_PREFIX, env.RECORD_RETENTION_DAYS * 86_400);
  const current = async (): Promise<RolloutStage> => (await stages.get()).stored?.stage ?? env.ROLLOUT_STAGE ?? 'off';
  const window = async (days: number) => {
    const to = new Date();
    return parsePilotRows(await ledger.rows(new Date(to.getTime() - days * 86_400_000), to));
  };
  try {
    if (command === 'stage') {
      const [value, ...more] = rest;
      if (value === undefined) {
        const { stored } = await stages.get();
        console.log(
          stored
            ? `stage ${stageLabel(stored.stage)} since ${stored.since} (by ${stored.by}${stored.note ? `: ${stored.note}` : ''})`
            : `stage ${stageLabel(await current())} (from configuration)`,
        );
        return;
      }
      const o = options(more, ['note']);
      const stage = parseStage(value);
      await stages.set({ stage, since: new Date().toISOString(), by: process.env.USER ?? 'operator', note: o.note });
      console.log(`stage set to ${stageLabel(stage)}; classifiers pick it up within a second, without a restart`);
    } else if (command === 'report') {
      const o = options(rest, ['days', 'json']);
      const days = Number(o.days ?? 7);
      if (!(days > 0)) throw new Error('--days must be a positive number');
      const { tickets, skipped } = await window(days);
      const report = pilotReport(tickets, await current(), { ...DEFAULT_GATES, ...env.PILOT_GATES });
      if (o.json !== undefined) console.log(JSON.stringify(report, null, 2));
      else
        console.log(
          `Pilot, last ${days} days\n\n${pilotMarkdown(report)}${skipped ? `\n\n(${skipped} unreadable records skipped)` : ''}`,
        );
    } else if (command === 'candidates') {
      const o = options(rest, ['out', 'days']);
      if (!o.out) throw new Error(`--out is required\n${PILOT_USAGE}`);
      const { tickets } = await window(Number(o.days ?? 30));
      const queue = inspectQueue(ticketsQueue, fleet.ctx);
      const lines: string[] = [];
      let gone = 0;
      for (const t of tickets.filter((x) => x.feedback && x.next && x.next.category !== x.legacy.category)) {
        const job = await queue.get(jobIdForTicket(t.ticketId));
        const row = job?.ok ? pilotCandidate(job.data.ticket, t) : null;
        if (row) lines.push(JSON.stringify(row));
        else gone++;
      }
      await queue.close();
      await writeFile(userPath(o.out), lines.map((l) => `${l}\n`).join(''));
      console.log(
        `wrote ${lines.length} candidate eval items to ${o.out}${gone ? `; ${gone} disagreements are older than the queue keeps ticket text (7 days)` : ''}`,
      );
    } else {
      throw new Error(`usage: ${PILOT_USAGE}`);
    }
  } finally {
    await fleet.close();
  }
}
