import { fileURLToPath } from 'node:url';
import { buildTiers, startClassifier } from '@switchboard/classifier';
import { loadPrompt } from '@switchboard/llm';
import { openFleetContext } from '@switchboard/queues';
import { createLogger, installShutdown, locksFromEnv, runApp } from '@switchboard/runtime';
import { classifierConfigFromEnv } from './config.js';

const logger = createLogger({ name: 'classifier', level: process.env.LOG_LEVEL ?? 'info' });
const DEFAULT_PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));

await runApp(logger, async () => {
  const { env, config } = classifierConfigFromEnv(process.env, DEFAULT_PROMPT);
  const prompt = await loadPrompt(config.promptPath);
  const tiers = buildTiers(config, prompt);
  for (const t of [config.cheap, config.strong]) {
    if (t && !config.prices[t.model]) logger.warn({ model: t.model }, 'no price configured for model; its cost is recorded as 0');
  }
  const fleet = await openFleetContext({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, role: 'worker', logger, retentionDays: env.RECORD_RETENTION_DAYS, locks: locksFromEnv(env) });
  const service = startClassifier(config, { ctx: fleet.ctx, store: fleet.store, tiers, onExhausted: fleet.deadLetter });
  installShutdown(logger, [() => service.close(), () => fleet.close()], env.SHUTDOWN_DEADLINE_MS);
  logger.info(
    { tiers: tiers.map((t) => ({ name: t.name, threshold: t.threshold })), promptVersion: prompt.version, concurrency: config.concurrency },
    tiers.some((t) => t.isModel) ? 'classifier started' : 'classifier started without model tiers: unmatched tickets go to humans (models_unavailable)',
  );
});
