import { fileURLToPath } from 'node:url';
import {
  buildTiers,
  classifierConfigFromEnv,
  describeLocalModel,
  FallbackView,
  openConfiguredModel,
  RolloutView,
  readThresholdsFile,
  startClassifier,
} from '@switchboard/classifier';
import { loadPrompt } from '@switchboard/llm';
import { openFleetContext, openFleetStateReader } from '@switchboard/queues';
import {
  createAppMetrics,
  createLogger,
  exportFleetState,
  logLevelOf,
  installShutdown,
  locksFromEnv,
  runApp,
  serveMetrics,
} from '@switchboard/runtime';

const logger = createLogger({ name: 'classifier', level: logLevelOf(process.env.LOG_LEVEL) });
const repoFile = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

await runApp(logger, async () => {
  const thresholds = readThresholdsFile(process.env.THRESHOLDS_PATH || undefined, repoFile('config/thresholds.json'));
  const { env, config } = classifierConfigFromEnv(
    process.env,
    { promptPath: repoFile('prompts/routing_prompt.txt'), localModelPath: repoFile('models/local-default.json') },
    thresholds,
  );
  const prompt = await loadPrompt(config.promptPath);
  const holder = await openConfiguredModel(config.local, logger);
  const tiers = buildTiers(config, prompt, holder?.current);
  for (const t of [config.cheap, config.strong]) {
    if (t && !config.prices[t.model])
      logger.warn({ model: t.model }, 'no price configured for model; its cost is recorded as 0');
  }
  const metrics = createAppMetrics({ app: 'classifier' });
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'worker',
    logger,
    retentionDays: env.RECORD_RETENTION_DAYS,
    locks: locksFromEnv(env),
    metrics: metrics.pipeline,
  });
  const fleetState = env.METRICS_QUEUE_DEPTHS === 'on' ? openFleetStateReader(fleet.ctx) : undefined;
  if (fleetState) exportFleetState(metrics.registry, fleetState.read, { log: logger });
  // Before taking work: a metrics port already in use stops start-up instead of a half-observable worker.
  const metricsServer = await serveMetrics(metrics, env, logger);
  const service = startClassifier(config, {
    ctx: fleet.ctx,
    store: fleet.store,
    tiers,
    fallback: new FallbackView(fleet.fallback, config.fallbackPollMs, logger),
    rollout: new RolloutView(
      fleet.rollout,
      config.rollout.defaultStage,
      config.rollout.legacyTable,
      config.routing,
      config.rollout.pollMs,
      logger,
    ),
    onExhausted: fleet.deadLetter,
  });
  installShutdown(
    logger,
    [
      () => service.close(),
      () => Promise.resolve(holder?.close()),
      async () => metricsServer?.close(),
      async () => fleetState?.close(),
      () => fleet.close(),
    ],
    env.SHUTDOWN_DEADLINE_MS,
  );
  logger.info(
    {
      tiers: tiers.map((t) => ({ name: t.name, threshold: t.threshold })),
      localModel: holder?.current().meta.modelVersion,
      localModelFit: holder ? describeLocalModel(holder.current().meta) : undefined,
      thresholdsCalibratedAt: thresholds?.calibratedAt,
      promptVersion: prompt.version,
      concurrency: config.concurrency,
    },
    tiers.some((t) => t.isModel)
      ? 'classifier started'
      : 'classifier started without remote model tiers: what the local tier is unsure of goes to humans',
  );
});
