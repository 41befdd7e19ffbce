import OpenAI from 'openai';
import {
  costUsd,
  parseModelOutput,
  type PriceTable,
  type RoutingTable,
  type Tier,
  type TierName,
  type TierResult,
} from '@switchboard/core';
import { pooledFetch } from './pooled-fetch.js';
import { renderTicket, type RoutingPrompt } from './prompt.js';

export interface OpenAITierConfig {
  name: Extract<TierName, 'cheap' | 'strong'>;
  baseURL: string;
  apiKey: string;
  model: string;
  threshold: number;
  timeoutMs: number;
  maxTokens: number;
}

export interface OpenAITierDeps {
  prompt: RoutingPrompt;
  routing: RoutingTable;
  prices: PriceTable;
}

const DEFAULT_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After is seconds or an HTTP date; `retry-after-ms` (OpenAI's) wins when present. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const value = headers?.get('retry-after');
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(Math.max(seconds * 1000, 1), MAX_RETRY_AFTER_MS);
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.min(Math.max(date - now, 1), MAX_RETRY_AFTER_MS);
  }
  return DEFAULT_RETRY_AFTER_MS;
}

function classifyError(err: unknown, model: string): TierResult {
  if (err instanceof OpenAI.RateLimitError) {
    // OpenAI answers an exhausted balance with a 429 too; waiting will not fix it, and treating it as a
    // rate limit would pause the queue forever instead of moving on to the next tier or a human.
    if (err.code === 'insufficient_quota')
      return { kind: 'unavailable', error: 'insufficient_quota', retryable: false, model };
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(err.headers), model };
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return { kind: 'unavailable', error: 'timeout', retryable: true, model };
  if (err instanceof OpenAI.APIConnectionError)
    return { kind: 'unavailable', error: 'network', retryable: true, model };
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const retryable = err.status >= 500 || err.status === 408 || err.status === 409;
    return { kind: 'unavailable', error: `http_${err.status}`, retryable, model };
  }
  return { kind: 'unavailable', error: err instanceof Error ? `error:${err.name}` : 'error', retryable: false, model };
}

/**
 * A cascade tier backed by any OpenAI-compatible chat endpoint. The SDK's own retries are off: the
 * cascade decides what to retry, and BullMQ owns job-level retries, so they never stack.
 */
export function createOpenAITier(config: OpenAITierConfig, deps: OpenAITierDeps): Tier {
  const client = new OpenAI({
    baseURL: config.baseURL,
    apiKey: config.apiKey,
    maxRetries: 0,
    timeout: config.timeoutMs,
    fetch: pooledFetch(),
  });
  // After a 429, the provider said when it will take calls again; until then every ticket of this
  // process waits without calling, so deferred tickets do not all retry into another 429.
  let quietUntil = 0;
  return {
    name: config.name,
    threshold: config.threshold,
    isModel: true,
    external: true,
    promptVersion: deps.prompt.version,
    async classify(input) {
      const wait = quietUntil - Date.now();
      // Spread over half the wait again, so the tickets held back do not all wake in the same instant.
      if (wait > 0)
        return {
          kind: 'rate_limited',
          retryAfterMs: Math.ceil(wait * (1 + Math.random() * 0.5)),
          model: config.model,
          held: true,
        };
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create({
          model: config.model,
          temperature: 0,
          max_tokens: config.maxTokens,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: deps.prompt.system },
            { role: 'user', content: renderTicket(input.subject, input.body, input.language) },
          ],
        });
      } catch (err) {
        const result = classifyError(err, config.model);
        if (result.kind === 'rate_limited') quietUntil = Math.max(quietUntil, Date.now() + result.retryAfterMs);
        return result;
      }
      // Typed as a completion, but a gateway can answer 200 with an error object or an HTML page; reading
      // it as one would throw out of the cascade instead of letting the next tier answer.
      if (!Array.isArray(completion?.choices)) {
        return { kind: 'unavailable', error: 'malformed_response', retryable: false, model: config.model };
      }
      const promptTokens = completion.usage?.prompt_tokens ?? 0;
      const completionTokens = completion.usage?.completion_tokens ?? 0;
      const usage = {
        promptTokens,
        completionTokens,
        costUsd: costUsd(deps.prices, config.model, promptTokens, completionTokens),
      };
      const choice = completion.choices[0];
      const raw = choice?.message?.content ?? null;
      if (!choice || raw === null) return { kind: 'invalid', error: 'empty_answer', raw, model: config.model, usage };
      if (choice.finish_reason === 'length')
        return { kind: 'invalid', error: 'truncated', raw, model: config.model, usage };
      const parsed = parseModelOutput(raw, deps.routing);
      if (!parsed.ok) return { kind: 'invalid', error: parsed.error, raw, model: config.model, usage };
      return { kind: 'answer', decision: parsed.decision, raw, model: config.model, usage };
    },
  };
}
