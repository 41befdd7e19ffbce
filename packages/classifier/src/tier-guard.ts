import type { Job, Worker } from 'bullmq';
import { guardVerdict, runCascade, type Tier } from '@switchboard/core';
import {
  alertsQueue,
  openQueue,
  startConsumer,
  tierChecksQueue,
  type CheckedAnswer,
  type FallbackSwitch,
  type Judge,
  type QueueContext,
  type TierGuardStore,
  type LabelSource,
  type TrainingStore,
} from '@switchboard/queues';
import type { GuardMetrics, Logger } from '@switchboard/runtime';
import { cascadeOptions } from './cascade-options.js';
import type { ClassifierConfig } from './config.js';
import type { FallbackView } from './fallback-view.js';
import { judgesOf } from './spot-check.js';

export interface TierGuardDeps {
  ctx: QueueContext;
  guard: TierGuardStore;
  /** The cheap tier's switch (drift's fallback), which the guard throws when cheap falls below target. */
  fallback: FallbackSwitch;
  /** The configured tiers; the judges of a spot check are the model tiers after the checked one. */
  tiers: readonly Tier[];
  /** Skips judges switched off fleet-wide (a cheap tier in fallback is not asked). */
  view?: FallbackView;
  /** The model each guarded tier runs now: judgments of another model (before a reload) are not counted. */
  currentModel: (tier: CheckedAnswer['tier']) => string | null;
  metrics?: GuardMetrics;
  /** A spot check's confident answer is kept as a training label (see `spotCheckLabel`); absent, not. */
  training?: TrainingStore;
  onExhausted: (job: Job, err: Error) => Promise<void>;
  clock?: () => Date;
}

export interface TierGuardService {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * The live guard: works the tier-checks queue. A spot check asks the checked ticket again of the
 * next tier up (never changing the route already delivered); ground truth is what a person set. Each
 * judgment goes into the tier's window in Redis, and when the window's 95% bounds put the tier below
 * its target (core's `guardVerdict`), the guard switches it off fleet-wide (the local tier's switch,
 * or the cheap tier's fallback), tells Slack why and logs it for the weekly report. Every classifier
 * follows within one poll. The switch stays until a person clears it (`ops local on`, `ops fallback off`),
 * or, for the local tier, until the retrain job promotes a new model it vetted on the desk's labels.
 */
/**
 * What a spot check's answer is worth as a training label. The cheap tier checked by the strong tier:
 * agreed, the cheap answer is confirmed (`cheap_confirmed`); disagreed, the strong tier's answer
 * (`strong`) replaces it. The local tier checked: the judge's own answer (`strong`, or `cheap`, which
 * waits for corrections like any cheap answer). Only a confident answer gets here: the cascade accepted it.
 */
export function spotCheckLabel(
  checked: CheckedAnswer['tier'],
  judge: 'cheap' | 'strong',
  agreed: boolean,
): Extract<LabelSource, 'strong' | 'cheap_confirmed' | 'cheap'> {
  if (judge === 'cheap') return 'cheap';
  return checked === 'cheap' && agreed ? 'cheap_confirmed' : 'strong';
}

export function startTierGuard(config: ClassifierConfig, deps: TierGuardDeps): TierGuardService {
  const clock = deps.clock ?? (() => new Date());
  const alerts = openQueue(alertsQueue, deps.ctx);
  const base = cascadeOptions(config, deps.tiers);

  async function trip(checked: CheckedAnswer, why: string, log: Logger): Promise<void> {
    const since = clock();
    const reason = `live guard: ${why}`;
    let set: boolean;
    let next: string;
    if (checked.tier === 'local') {
      set = await deps.guard.switchLocalOff({
        off: true,
        by: 'guard',
        since: since.toISOString(),
        reason,
        model: checked.model,
      });
      next = config.cheap
        ? 'the cheap tier'
        : config.strong
          ? 'the strong tier'
          : 'people (no model tier is configured)';
    } else {
      set = await deps.fallback.set({
        cheapOff: true,
        since: since.toISOString(),
        by: 'guard',
        reason,
        dailyCapUsd: config.guard.cheapFallbackDailyCapUsd,
      });
      if (set)
        await deps.guard.logEvent({ at: since.toISOString(), tier: 'cheap', action: 'off', by: 'guard', reason });
      next = `the strong tier (up to $${config.guard.cheapFallbackDailyCapUsd} a day, then people)`;
    }
    if (!set) return; // already off: another process tripped first, or a person chose
    deps.metrics?.tripped(checked.tier);
    const clear = checked.tier === 'local' ? '`npm run ops -- local on`' : '`npm run ops -- fallback off`';
    const text =
      `:rotating_light: The ${checked.tier} tier (${checked.model ?? 'unknown model'}) was switched off fleet-wide by the live guard: ${why}. ` +
      `Its tickets now go to ${next}. It stays off until a person runs ${clear}${checked.tier === 'local' ? ', or the nightly retrain promotes a model it vetted on this desk’s labels' : ''}.`;
    await alerts.add(`alert-tier_guard-${checked.tier}-${since.getTime()}`, {
      text,
      kind: 'tier_guard',
      createdAt: since.toISOString(),
    });
    log.warn({ tier: checked.tier, model: checked.model, why }, 'live guard switched a tier off fleet-wide');
  }

  async function judge(checked: CheckedAnswer, judge: Judge, agreed: boolean, log: Logger): Promise<void> {
    if (checked.model !== deps.currentModel(checked.tier)) {
      deps.metrics?.unjudged(checked.tier, 'other_model');
      log.debug({ checked }, 'judgment of a model no longer in use; not counted');
      return;
    }
    const rule = config.guard[checked.tier];
    const window = await deps.guard.judge(
      { tier: checked.tier, judge, category: checked.category, agreed, at: clock() },
      rule.window,
      'peopleWindow' in rule ? rule.peopleWindow : rule.window,
    );
    deps.metrics?.judged(checked.tier, judge, checked.category, agreed);
    const verdict = guardVerdict(window.agreed, window.judged, rule, window.people);
    log.debug({ tier: checked.tier, judge, agreed, window, verdict: verdict.kind }, 'tier judged');
    if (verdict.kind === 'trip') await trip(checked, verdict.why, log);
  }

  const worker = startConsumer(
    tierChecksQueue,
    deps.ctx,
    { concurrency: config.guard.concurrency, onExhausted: deps.onExhausted },
    async (data, _job, log) => {
      if (data.kind === 'ground_truth') {
        await judge(data.checked, 'human', data.truth === data.checked.category, log);
        return;
      }
      const usable = deps.view ? (await deps.view.plan(deps.tiers)).tiers : deps.tiers;
      const judges = judgesOf(data.checked.tier, usable);
      if (!judges.length) {
        deps.metrics?.unjudged(data.checked.tier, 'no_judge');
        return;
      }
      const { ticket } = data;
      const result = await runCascade(
        { ticketId: ticket.id, subject: ticket.subject ?? '', body: ticket.body, language: ticket.language },
        { ...base, tiers: judges },
      );
      // Nothing waits on a spot check: a provider that is limited or down is asked again later.
      if (result.kind === 'rate_limited') throw new Error(`spot check: the ${result.tier} tier is rate limited`);
      const record = result.record;
      for (const a of record.attempts) if (a.costUsd > 0 && a.model) deps.metrics?.spotCheckCost(a.model, a.costUsd);
      if (record.outcome === 'failed')
        throw new Error(`spot check: no judging tier answered (${record.failureReasons.join(', ')})`);
      if (record.outcome !== 'decided' || !record.decision || (record.tier !== 'cheap' && record.tier !== 'strong')) {
        deps.metrics?.unjudged(data.checked.tier, record.outcome === 'decided' ? 'other_tier' : record.outcome);
        return;
      }
      const agreed = record.decision.category === data.checked.category;
      if (deps.training) {
        const source = spotCheckLabel(data.checked.tier, record.tier, agreed);
        await deps.training.record(
          {
            ticketId: ticket.id,
            subject: ticket.subject ?? '',
            body: ticket.body,
            language: ticket.language,
            category: record.decision.category,
            priority: record.decision.priority,
            source,
            decidedBy: { tier: data.checked.tier, model: data.checked.model },
            at: clock().toISOString(),
          },
          ticket.customer?.email,
        );
      }
      await judge(data.checked, record.tier, agreed, log);
    },
  );

  return {
    worker,
    async close() {
      await worker.close();
      await alerts.close();
    },
  };
}
