import { createRuleTier, withCircuitBreaker, type Tier } from '@switchboard/core';
import { createOpenAITier, type RoutingPrompt } from '@switchboard/llm';
import type { LocalModel } from '@switchboard/local-model';
import type { ClassifierConfig } from './config.js';
import { createLocalTier } from './local-tier.js';

/**
 * The tier list is data: rule first, then each configured model tier, cheapest first. A new tier
 * (the local model) slots in here without the cascade knowing. `vetted` says whether the local model
 * has been judged on this desk's labels; with `probation` on, until then it only records its answers.
 */
export function buildTiers(
  config: ClassifierConfig,
  prompt: RoutingPrompt,
  localModel?: () => LocalModel,
  vetted?: () => boolean,
): Tier[] {
  const tiers: Tier[] = [createRuleTier(config.hotwords, config.routing)];
  if (config.local && localModel) {
    const onProbation = config.local.probation && vetted ? () => !vetted() : undefined;
    tiers.push(createLocalTier(localModel, config.routing, { ...config.local, onProbation }));
  }
  const deps = { prompt, routing: config.routing, prices: config.prices };
  // A provider that keeps failing is left alone for a while instead of being called for every ticket.
  const guarded = (tier: Tier, model: string): Tier =>
    withCircuitBreaker(tier, { ...config.circuitBreaker, now: () => Date.now(), model });
  if (config.cheap) tiers.push(guarded(createOpenAITier({ name: 'cheap', ...config.cheap }, deps), config.cheap.model));
  if (config.strong)
    tiers.push(guarded(createOpenAITier({ name: 'strong', ...config.strong }, deps), config.strong.model));
  return tiers;
}
