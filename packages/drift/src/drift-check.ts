import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareToBaseline,
  readBaseline,
  writeJson,
  type BaselineFile,
  type Comparison,
  type Evaluation,
} from '@switchboard/eval';
import type { FallbackSwitch, TrafficStats } from '@switchboard/queues';
import type { DriftMetrics, Logger } from '@switchboard/runtime';
import type { Alerts } from './alerts.js';
import type { DriftConfig } from './config.js';
import { dropAlert, fallbackOff, fallbackOn, productionAlert } from './messages.js';
import { productionDrift, type ProductionDrift } from './production-drift.js';
import { weeklyHtml, weeklyMarkdown, weeklySlack } from './weekly-report.js';
import type { FreeTierWeek } from './free-tier-section.js';

export interface DriftDeps {
  config: DriftConfig;
  /** Runs the eval set against the drift target (the cheap tier) with the workers' cascade code. */
  evaluate: () => Promise<Evaluation>;
  baselinePath: string;
  /** The strong tier's model, named in the fallback message; null when there is none. */
  strongModel: string | null;
  fallback: FallbackSwitch;
  stats: TrafficStats;
  alerts: Alerts;
  log: Logger;
  clock?: () => Date;
  /** Gauges for Prometheus, set after each check; absent, nothing is exported. */
  metrics?: DriftMetrics;
  /** The pilot's section of the weekly report for [from, to), or null when no pilot ran. */
  pilot?: (from: Date, to: Date) => Promise<{ markdown: string; summary: string } | null>;
  /** The free tier's spot checks and live guard for [from, to) and the week running at `now`. */
  freeTier?: (from: Date, to: Date, now: Date) => Promise<FreeTierWeek>;
}

export type DriftAction = 'drop_alert' | 'fallback_on' | 'fallback_off' | 'production_alert';

export interface DriftResult {
  comparison: Comparison | null;
  baselineNote: string | null;
  actions: DriftAction[];
  production: ProductionDrift;
  files: { run: string; markdown: string; html: string };
  /** The whole week the report covers, [from, to). */
  window: [Date, Date];
}

const DAY = 86_400_000;

async function loadBaseline(
  path: string,
  runFile: string,
): Promise<{ baseline: BaselineFile | null; note: string | null; appendix: string[] }> {
  if (!existsSync(path))
    return {
      baseline: null,
      note: 'There is no baseline yet, so this run is not compared with anything; the appendix says how engineers set one.',
      appendix: [
        `No baseline at ${path}: once this run looks right, make it the baseline with \`pnpm ops eval-promote ${runFile} --to ${path}\`.`,
      ],
    };
  return { baseline: await readBaseline(path), note: null, appendix: [] };
}

/** A provider outage during the check is not a drop in quality. */
export class DriftRunUnusable extends Error {
  override name = 'DriftRunUnusable';
}

/**
 * The report covers the last whole week, Monday 00:00 to Monday 00:00 UTC, and compares it with the
 * week before; `soFar` is the current week from Monday 00:00 UTC until now, reported apart. Run by the
 * schedule (Monday 06:00) the whole week is the seven days before today; run on demand on a
 * Wednesday it is still last week, and today's traffic shows in `soFar` instead of being missed.
 */
export function reportWeeks(now: Date): { thisWeek: [Date, Date]; lastWeek: [Date, Date]; soFar: [Date, Date] } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (new Date(today).getUTCDay() + 6) % 7;
  const monday = new Date(today - sinceMonday * DAY);
  const start = new Date(monday.getTime() - 7 * DAY);
  return {
    thisWeek: [start, monday],
    lastWeek: [new Date(start.getTime() - 7 * DAY), start],
    soFar: [monday, now],
  };
}

/**
 * One weekly check: the eval set against the cheap tier, compared with the baseline; alerts, the
 * fallback switch, production drift and the manager's report. `runKey` identifies the run (the
 * drift job's id), so a retried run queues each message once.
 */
export async function runDriftCheck(deps: DriftDeps, runKey: string): Promise<DriftResult> {
  const { config, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const key = runKey.replace(/[^A-Za-z0-9_-]/g, '-');
  const evaluation = await deps.evaluate();
  const { run } = evaluation;
  const scored = evaluation.outcomes.filter((o) => !o.critical);
  const unanswered = scored.filter((o) => o.reasons.includes('models_unavailable')).length;
  if (unanswered > config.maxUnavailableShare * scored.length) {
    // Thrown so BullMQ retries the check later; comparing now would read an outage as drift.
    throw new DriftRunUnusable(
      `${unanswered} of ${scored.length} eval tickets got no answer (provider unavailable); the check is retried later`,
    );
  }
  const now = clock();
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const files = {
    run: join(config.reportDir, `${stamp}-eval-run.json`),
    markdown: join(config.reportDir, `${stamp}-weekly-report.md`),
    html: join(config.reportDir, `${stamp}-weekly-report.html`),
  };
  const { baseline, note, appendix } = await loadBaseline(deps.baselinePath, files.run);
  const comparison = baseline ? compareToBaseline(baseline, run) : null;
  let baselineNote = note;
  const actions: DriftAction[] = [];
  const { state, raw } = await deps.fallback.get();
  let fallback = state;

  if (baseline && comparison && !comparison.sameModel) {
    baselineNote = `The baseline is for ${baseline.model}, this run for ${run.model}: no alert or fallback until a run of this model is promoted.`;
  } else if (baseline && comparison) {
    if (!comparison.sameSet) baselineNote = 'The eval set changed since the baseline; the comparison is unpaired.';
    const drop = comparison.dropPoints;
    if (drop > config.alertDropPoints) {
      await deps.alerts.send(
        'drift_alert',
        dropAlert(run.model, comparison, run.metrics.scored, baseline.promotedAt),
        key,
      );
      actions.push('drop_alert');
    }
    if (drop > config.fallbackDropPoints && !fallback) {
      const next = {
        cheapOff: true as const,
        since: clock().toISOString(),
        by: 'drift' as const,
        reason: `eval accuracy fell ${drop.toFixed(1)} points`,
        dailyCapUsd: config.fallbackDailyCapUsd,
      };
      if (await deps.fallback.set(next)) {
        fallback = next;
        await deps.alerts.send(
          'fallback_on',
          fallbackOn(run.model, deps.strongModel, comparison, config.fallbackDailyCapUsd, config.fallbackDropPoints),
          key,
        );
        actions.push('fallback_on');
      }
    } else if (fallback?.by === 'drift' && drop <= config.recoverWithinPoints) {
      // Only a fallback drift started ends by itself: one a person set stays until a person clears it,
      // and one set again while this check ran is not this check's to clear.
      if (raw !== null && (await deps.fallback.clearIf(raw))) {
        fallback = null;
        await deps.alerts.send('fallback_off', fallbackOff(run.model, comparison), key);
        actions.push('fallback_off');
      }
    }
  }

  const weeks = reportWeeks(now);
  const [thisWeek, lastWeek, soFar] = await Promise.all([
    deps.stats.range(...weeks.thisWeek),
    deps.stats.range(...weeks.lastWeek),
    deps.stats.range(...weeks.soFar),
  ]);
  const production = productionDrift(lastWeek.total, thisWeek.total, config);
  if (production.dimensions.some((d) => d.alert)) {
    await deps.alerts.send('production_drift', productionAlert(production, config.psiAlert), key);
    actions.push('production_alert');
  }

  const pilot = deps.pilot ? await deps.pilot(...weeks.thisWeek) : null;
  const freeTier = deps.freeTier ? await deps.freeTier(...weeks.thisWeek, now) : null;
  const inputs = {
    pilot,
    freeTier,
    from: weeks.thisWeek[0],
    to: weeks.thisWeek[1],
    model: run.model,
    metrics: run.metrics,
    comparison,
    baselineNote,
    production,
    week: thisWeek.total,
    soFar: { from: weeks.soFar[0], to: weeks.soFar[1], counters: soFar.total },
    tierTargets: config.tierTargets,
    fallback,
    actions,
    appendix: [
      ...appendix,
      `Eval run: ${files.run}; this report: ${files.markdown} and ${files.html}.`,
      ...(fallback
        ? [
            'The cheap-tier fallback is on: `pnpm ops fallback status`, and `pnpm ops fallback off` once the cause is fixed.',
          ]
        : []),
      'Run this report now: `pnpm ops drift run`.',
    ],
  };
  await mkdir(config.reportDir, { recursive: true });
  await writeJson(files.run, run);
  await writeFile(files.markdown, weeklyMarkdown(inputs));
  await writeFile(files.html, weeklyHtml(inputs));
  await deps.alerts.send('weekly_report', weeklySlack(inputs, files.markdown), key);
  const compared = comparison?.sameModel ? comparison : null;
  deps.metrics?.checked({
    model: run.model,
    accuracy: run.metrics.accuracy,
    baselineAccuracy: compared?.baselineAccuracy ?? null,
    dropPoints: compared?.dropPoints ?? null,
    fallbackActive: fallback !== null,
    psi: production.dimensions.map((d) => ({ dimension: d.dimension, psi: d.psi })),
    at: now,
  });
  log.info(
    { accuracy: run.metrics.accuracy, dropPoints: comparison?.dropPoints, actions, report: files.markdown },
    'drift check done',
  );
  return { comparison, baselineNote, actions, production, files, window: weeks.thisWeek };
}
