import { isoWeek } from '@switchboard/core';
import { pct } from '@switchboard/eval';
import type { GuardEvent, LocalSwitchState, RegistryEvent, TierGuardStore, WeekAgreement } from '@switchboard/queues';
import type { Section } from './report-section.js';

/** The free tier's week: spot-check agreement per ISO week and category, and what the live guard did. */
const GUARD_BY: Record<GuardEvent['by'], string> = {
  guard: 'the live guard',
  operator: 'a person',
  retrain: 'the retrain job (a new model, vetted on this desk’s labels)',
};

const MODEL_ACTION: Record<RegistryEvent['action'], string> = {
  promote: 'PROMOTED',
  reject: 'rejected',
  rollback: 'rolled back to',
  vet: 'off probation (judged on this desk’s labels)',
};

export interface FreeTierWeek {
  /** Model tiers a spot check can go to; empty when none is configured (then none is sent). */
  judges: string[];
  rates: { local: number; cheap: number };
  weeks: { week: string; agreement: WeekAgreement }[];
  events: GuardEvent[];
  localSwitch: LocalSwitchState | null;
  /** The registry's promotions, rollbacks and rejections in the window: which model ran, and why. */
  models: ModelEvent[];
  /** The champion now, and whether it is still on probation (not yet judged on this desk's labels). */
  champion: { version: string; vetted: boolean } | null;
}

export type ModelEvent = Pick<RegistryEvent, 'at' | 'action' | 'version' | 'by' | 'reason'>;

/** Reads the free tier's figures for the report window [from, to) and the ISO week running at `now`. */
export async function readFreeTierWeek(
  guard: TierGuardStore,
  models: {
    events(from: Date, to: Date): Promise<ModelEvent[]>;
    currentVersion(): Promise<string | null>;
    isVetted(version: string): Promise<boolean>;
  },
  opts: { judges: string[]; rates: FreeTierWeek['rates'] },
  from: Date,
  to: Date,
  now: Date,
): Promise<FreeTierWeek> {
  const names = [...new Set([isoWeek(from), isoWeek(new Date(to.getTime() - 1)), isoWeek(now)])];
  const weeks = await Promise.all(names.map(async (week) => ({ week, agreement: await guard.weekAgreement(week) })));
  const [events, local, modelEvents, version] = await Promise.all([
    guard.events(from, now),
    guard.localSwitch(),
    models.events(from, now),
    models.currentVersion(),
  ]);
  const champion = version === null ? null : { version, vetted: await models.isVetted(version) };
  return { ...opts, weeks, events, localSwitch: local.state, models: modelEvents, champion };
}

const JUDGE_WORDS: Record<string, string> = { cheap: 'cheap model', strong: 'strong model', human: 'a person' };

/** The weekly report's section on the free tier: is the local tier still right where it answers alone? */
export function freeTierSection(f: FreeTierWeek): Section {
  const rows: string[][] = [];
  for (const { week, agreement } of f.weeks) {
    for (const [key, c] of Object.entries(agreement).sort(([a], [b]) => a.localeCompare(b))) {
      const [tier = '', judge = '', category = ''] = key.split(':');
      rows.push([
        week,
        tier,
        JUDGE_WORDS[judge] ?? judge,
        category,
        `${c.agreed} of ${c.judged}`,
        pct(c.judged ? c.agreed / c.judged : null),
      ]);
    }
  }
  const notes: string[] = [];
  if (!f.judges.length)
    notes.push(
      'No cheap or strong model is configured, so no spot checks were sent; only ground truth judges the local tier.',
    );
  else
    notes.push(
      `Spot checks: ${pct(f.rates.local, 0)} of what the local tier routes is asked again of the ${f.judges[0]} tier, and ${pct(f.rates.cheap, 0)} of what the cheap tier routes of the strong one, after delivery.`,
    );
  notes.push(
    f.localSwitch
      ? `The local tier is OFF since ${f.localSwitch.since.slice(0, 16)} (${f.localSwitch.by}: ${f.localSwitch.reason}).`
      : 'The local tier is on.',
  );
  if (f.champion && !f.champion.vetted)
    notes.push(
      `Its model ${f.champion.version} is ON PROBATION: it records its answers but decides nothing until the retrain job shows, on this desk's people's labels, the accuracy the tier promises (or a person runs \`ops model vet\`).`,
    );
  for (const e of f.events)
    notes.push(
      `${e.at.slice(0, 16)}: the ${e.tier} tier was switched ${e.action.toUpperCase()} by ${GUARD_BY[e.by]} (${e.reason}).`,
    );
  for (const m of f.models)
    notes.push(`${m.at.slice(0, 16)}: model ${m.version} ${MODEL_ACTION[m.action]} by ${m.by} (${m.reason}).`);
  if (!f.models.length) notes.push('No local model was promoted or rejected in this window.');
  return {
    title: 'Free tier: spot checks, the live guard and the models',
    header: ['week', 'tier', 'judged by', 'category', 'agreed', 'share'],
    rows,
    note: notes.join(' '),
  };
}
