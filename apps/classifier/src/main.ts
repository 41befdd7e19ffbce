import {
  describeLocalModel,
  FallbackView,
  openClassifierStack,
  RolloutView,
  startClassifier,
  startTierGuard,
} from '@switchboard/classifier';
import { openObservedFleet } from '@switchboard/queues';
import { createGuardMetrics, createLocalModelMetrics, runService } from '@switchboard/runtime';
import { classifierAppEnv } from './config.js';

await runService(
  { name: 'classifier', env: classifierAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    // Before taking work: a metrics port already in use stops start-up instead of a half-observable worker.
    // The fleet comes first: the local model is the model registry's champion.
    const { fleet, metrics } = await openObservedFleet({ use }, env, { app: 'classifier', role: 'worker', logger });
    const { config, tiers, prompt, model, thresholds } = use(
      'classifier stack',
      await openClassifierStack({ env }, { logger, models: fleet.models }),
      (s) => s.close(),
    );
    for (const t of [config.cheap, config.strong]) {
      if (t && !config.prices[t.model])
        logger.warn({ model: t.model }, 'no price configured for model; its cost is recorded as 0');
    }
    if (model) {
      const localMetrics = createLocalModelMetrics(metrics.registry);
      localMetrics.running(model.current().meta.modelVersion);
      model.subscribe((e) => (e.kind === 'loaded' ? localMetrics.running(e.version) : localMetrics.refused()));
    }
    const fallback = new FallbackView(fleet.fallback, config.fallbackPollMs, logger, { guard: fleet.guard });
    use(
      'classifier worker',
      startClassifier(config, {
        ctx: fleet.ctx,
        store: fleet.store,
        tiers,
        fallback,
        rollout: new RolloutView(
          fleet.rollout,
          config.rollout.defaultStage,
          config.rollout.legacyTable,
          config.routing,
          config.rollout.pollMs,
          logger,
        ),
        onExhausted: fleet.deadLetter,
      }),
      (s) => s.close(),
    );
    use(
      'live guard',
      startTierGuard(config, {
        ctx: fleet.ctx,
        guard: fleet.guard,
        fallback: fleet.fallback,
        tiers,
        view: fallback,
        currentModel: (tier) =>
          tier === 'local' ? (model?.current().meta.modelVersion ?? null) : (config.cheap?.model ?? null),
        metrics: createGuardMetrics(metrics.registry),
        training: fleet.training,
        onExhausted: fleet.deadLetter,
      }),
      (s) => s.close(),
    );
    logger.info(
      {
        tiers: tiers.map((t) => ({ name: t.name, threshold: t.threshold })),
        localModel: model?.current().meta.modelVersion,
        localModelFit: model ? describeLocalModel(model.current().meta) : undefined,
        thresholdsCalibratedAt: thresholds?.calibratedAt,
        promptVersion: prompt.version,
        concurrency: config.concurrency,
        spotChecks: { local: config.guard.localSpotCheckRate, cheap: config.guard.cheapSpotCheckRate },
      },
      tiers.some((t) => t.isModel)
        ? 'classifier started'
        : 'classifier started without remote model tiers: what the local tier is unsure of goes to humans',
    );
  },
);
