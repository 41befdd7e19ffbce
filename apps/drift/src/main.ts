import { fileURLToPath } from 'node:url';
import { buildTiers, classifierConfigFromEnv, openConfiguredModel, readThresholdsFile } from '@switchboard/classifier';
import {
  alertsProducer,
  driftConfigFromEnv,
  driftTiers,
  slackPoster,
  startAlertsWorker,
  startDrift,
} from '@switchboard/drift';
import { evaluate, readEvalSet } from '@switchboard/eval';
import { loadPrompt } from '@switchboard/llm';
import { pilotSection } from './pilot-section.js';
import { openFleetContext, openFleetStateReader } from '@switchboard/queues';
import {
  createAppMetrics,
  createDriftMetrics,
  createLogger,
  exportFleetState,
  installShutdown,
  locksFromEnv,
  logLevelOf,
  runApp,
  serveMetrics,
} from '@switchboard/runtime';

const logger = createLogger({ name: 'drift', level: logLevelOf(process.env.LOG_LEVEL) });
const repoFile = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

await runApp(logger, async () => {
  const { env, config, paths } = driftConfigFromEnv(process.env, {
    evalSet: repoFile('eval/sets/switchboard-eval.jsonl'),
    baseline: repoFile('eval/baselines/drift.json'),
    reportDir: repoFile('reports'),
  });
  const thresholds = readThresholdsFile(process.env.THRESHOLDS_PATH || undefined, repoFile('config/thresholds.json'));
  const { config: classifier } = classifierConfigFromEnv(
    process.env,
    { promptPath: repoFile('prompts/routing_prompt.txt'), localModelPath: repoFile('models/local-default.json') },
    thresholds,
  );
  const holder = await openConfiguredModel(classifier.local, logger);
  const all = buildTiers(classifier, await loadPrompt(classifier.promptPath), holder?.current);
  const tiers = driftTiers(all);
  // Read now so a missing or broken eval set is a start-up error, not a failed job next Monday.
  const set = await readEvalSet(paths.evalSet, classifier.routing);
  const metrics = createAppMetrics({ app: 'drift' });
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
  // Drift is the fleet's one reader of queue depths (METRICS_QUEUE_DEPTHS, on here by default): the
  // figures are the same from any process, and drift is one mostly idle process, not N busy workers.
  const fleetState = env.METRICS_QUEUE_DEPTHS === 'on' ? openFleetStateReader(fleet.ctx) : undefined;
  if (fleetState) exportFleetState(metrics.registry, fleetState.read, { log: logger });
  const driftMetrics = createDriftMetrics(metrics.registry, {
    log: logger,
    readFallback: async () => (await fleet.fallback.get()).state !== null,
  });
  const metricsServer = await serveMetrics(metrics, env, logger);
  const alerts = alertsProducer(fleet.ctx, {
    channel: config.slackChannel,
    attempts: config.alertAttempts,
    backoffMs: config.alertBackoffMs,
    log: logger,
  });
  const alertsWorker = env.SLACK_TOKEN
    ? startAlertsWorker(fleet.ctx, slackPoster({ token: env.SLACK_TOKEN, apiUrl: env.SLACK_API_URL }), fleet.deadLetter)
    : undefined;
  const service = await startDrift(config, {
    ctx: fleet.ctx,
    evaluate: () =>
      evaluate({
        set,
        config: classifier,
        tiers,
        localModelVersion: holder?.current().meta.modelVersion,
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
    onExhausted: fleet.deadLetter,
  });
  installShutdown(
    logger,
    [
      () => service.close(),
      () => alertsWorker?.close() ?? Promise.resolve(),
      () => alerts.close(),
      () => Promise.resolve(holder?.close()),
      async () => metricsServer?.close(),
      async () => fleetState?.close(),
      () => fleet.close(),
    ],
    env.SHUTDOWN_DEADLINE_MS,
  );
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
