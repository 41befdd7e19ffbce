import { openClassifierStack } from '@switchboard/classifier';
import {
  alertsProducer,
  driftConfigFromEnv,
  driftTiers,
  readFreeTierWeek,
  slackPoster,
  startAlertsWorker,
  startDrift,
} from '@switchboard/drift';
import { evaluate, readEvalSet } from '@switchboard/eval';
import { openObservedFleet } from '@switchboard/queues';
import { createDriftMetrics, runService } from '@switchboard/runtime';
import { driftAppEnv } from './config.js';
import { pilotSection } from './pilot-section.js';
import { startNightlyRetrain } from './retrain.js';

await runService({ name: 'drift', env: driftAppEnv.schema, from: process.env }, async ({ env, logger, use }) => {
  const { config, paths } = driftConfigFromEnv(env);
  // Drift is the fleet's one reader of queue depths (METRICS_QUEUE_DEPTHS, on here by default): the
  // figures are the same from any process, and drift is one mostly idle process, not N busy workers.
  const { fleet, metrics } = await openObservedFleet({ use }, env, { app: 'drift', role: 'worker', logger });
  // The weekly check evaluates the registry's champion, the model the classifiers run.
  const stack = use('classifier stack', await openClassifierStack({ env }, { logger, models: fleet.models }), (s) =>
    s.close(),
  );
  const classifier = stack.config;
  const tiers = driftTiers(stack.tiers);
  // Read now so a missing or broken eval set is a start-up error, not a failed job next Monday.
  const set = await readEvalSet(paths.evalSet, classifier.routing);
  const driftMetrics = createDriftMetrics(metrics.registry, {
    log: logger,
    readFallback: async () => (await fleet.fallback.get()).state !== null,
  });
  const alerts = use(
    'alerts producer',
    alertsProducer(fleet.ctx, {
      channel: config.slackChannel,
      attempts: config.alertAttempts,
      backoffMs: config.alertBackoffMs,
      log: logger,
    }),
    (a) => a.close(),
  );
  const slack = env.SLACK_TOKEN
    ? { post: slackPoster({ token: env.SLACK_TOKEN, apiUrl: env.SLACK_API_URL }), channel: config.slackChannel }
    : undefined;
  use('alerts worker', startAlertsWorker(fleet.ctx, slack, fleet.deadLetter), (w) => w.close());
  use(
    'drift scheduler',
    await startDrift(config, {
      ctx: fleet.ctx,
      evaluate: () =>
        evaluate({
          set,
          config: classifier,
          tiers,
          localModelVersion: stack.model?.current().meta.modelVersion,
          concurrency: config.concurrency,
          highPriorityMinConfidence: env.HIGH_PRIORITY_MIN_CONFIDENCE,
        }),
      baselinePath: paths.baseline,
      strongModel: classifier.strong?.model ?? null,
      fallback: fleet.fallback,
      stats: fleet.stats,
      alerts,
      log: logger,
      metrics: driftMetrics,
      pilot: pilotSection(fleet, classifier.rollout.defaultStage, env.PILOT_GATES),
      freeTier: (from, to, now) =>
        readFreeTierWeek(
          fleet.guard,
          fleet.models,
          {
            judges: [classifier.cheap ? 'cheap' : null, classifier.strong ? 'strong' : null].filter(
              (j): j is string => j !== null,
            ),
            rates: { local: classifier.guard.localSpotCheckRate, cheap: classifier.guard.cheapSpotCheckRate },
          },
          from,
          to,
          now,
        ),
      onExhausted: fleet.deadLetter,
    }),
    (s) => s.close(),
  );
  await startNightlyRetrain({ use }, fleet, env, { classifier, alerts, log: logger });
  logger.info(
    {
      cron: config.cron,
      timezone: config.timezone,
      tiers: tiers.map((t) => t.name),
      evalSet: paths.evalSet,
      rows: set.items.length,
      baseline: paths.baseline,
      slack: config.slackChannel ?? 'off',
    },
    'drift started',
  );
});
