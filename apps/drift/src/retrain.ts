import { REPO_PATHS, type ClassifierConfig } from '@switchboard/classifier';
import type { Alerts } from '@switchboard/drift';
import { readLabelledTickets } from '@switchboard/local-model';
import type { FleetContext } from '@switchboard/queues';
import { retrainSettingsFrom, runRetrain, startRetrainer, type RetrainEnv } from '@switchboard/retrain';
import type { Logger, Scope } from '@switchboard/runtime';

/**
 * The nightly retrain, run by drift (the fleet's scheduled-work process): the training store and the
 * seed set in, a challenger judged against the registry's champion, promoted or kept as rejected.
 * Slack hears about every promotion and rejection.
 */
export async function startNightlyRetrain(
  scope: Pick<Scope, 'use'>,
  fleet: FleetContext,
  env: RetrainEnv,
  deps: { classifier: ClassifierConfig; alerts: Alerts; log: Logger },
): Promise<void> {
  if (!deps.classifier.local) {
    deps.log.info('local tier off (LOCAL_MODEL_PATH=off): no retrain scheduled');
    return;
  }
  const settings = retrainSettingsFrom(env, deps.classifier.local);
  // Read at start, so a missing or broken seed set is a start-up error, not a failed job at 03:00.
  const seed = await readLabelledTickets(env.RETRAIN_SEED_SET ?? REPO_PATHS.trainingSet);
  scope.use(
    'retrain scheduler',
    await startRetrainer(
      { cron: settings.cron, timezone: settings.timezone },
      {
        ctx: fleet.ctx,
        log: deps.log,
        onExhausted: fleet.deadLetter,
        run: () =>
          runRetrain(
            { labels: { rows: () => fleet.training.rows() }, models: fleet.models, localSwitch: fleet.guard, seed },
            settings,
          ),
        onOutcome: async (o) => {
          if (o.kind === 'promoted' || o.kind === 'rejected')
            await deps.alerts.send('retrain', `:brain: Local model retrain: ${o.message}`, o.version);
        },
      },
    ),
    (s) => s.close(),
  );
  deps.log.info({ cron: settings.cron, timezone: settings.timezone, seedRows: seed.length }, 'retrain scheduled');
}
