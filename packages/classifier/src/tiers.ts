import { createRuleTier, type Tier } from '@switchboard/core';
import { createOpenAITier, type RoutingPrompt } from '@switchboard/llm';
import type { LocalModel } from '@switchboard/local-model';
import type { ClassifierConfig } from './config.js';
import { createLocalTier } from './local-tier.js';

/**
 * The tier list is data: rule first, then each configured model tier, cheapest first. A new tier
 * (the local model) slots in here without the cascade knowing.
 */
export function buildTiers(config: ClassifierConfig, prompt: RoutingPrompt, localModel?: () => LocalModel): Tier[] {
  const tiers: Tier[] = [createRuleTier(config.hotwords, config.routing)];
  if (config.local && localModel) tiers.push(createLocalTier(localModel, config.routing, config.local));
  const deps = { prompt, routing: config.routing, prices: config.prices };
  if (config.cheap) tiers.push(createOpenAITier({ name: 'cheap', ...config.cheap }, deps));
  if (config.strong) tiers.push(createOpenAITier({ name: 'strong', ...config.strong }, deps));
  return tiers;
}
