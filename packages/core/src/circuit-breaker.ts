import type { Tier, TierResult } from './tier.js';

export interface BreakerOptions {
  /** Consecutive calls that found the provider unavailable before the circuit opens. */
  failures: number;
  /** How long an open circuit answers "unavailable" without calling; then one trial call is let through. */
  cooldownMs: number;
  now: () => number;
  /** The provider's model, for the decision record's attempt. */
  model: string;
}

export interface CircuitState {
  state: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
}

/**
 * Wraps a model tier so that a provider that keeps failing (5xx, timeouts, refused connections) is
 * not called for every ticket: after `failures` in a row the tier answers `unavailable` at once, so
 * the cascade moves on (next tier, or a person) until a trial call after `cooldownMs` succeeds.
 * Contract-breaking answers, 429s and 400s are the provider answering, so they do not count.
 */
export function withCircuitBreaker(tier: Tier, opts: BreakerOptions): Tier & { circuit(): CircuitState } {
  let consecutive = 0;
  let openedAt: number | null = null;
  let trialInFlight = false;
  const state = (): CircuitState['state'] =>
    openedAt === null ? 'closed' : opts.now() - openedAt >= opts.cooldownMs ? 'half_open' : 'open';
  return {
    ...tier,
    circuit: () => ({ state: state(), consecutiveFailures: consecutive }),
    async classify(input): Promise<TierResult> {
      const s = state();
      if (s === 'open' || (s === 'half_open' && trialInFlight)) {
        return {
          kind: 'unavailable',
          error: `circuit open: ${consecutive} calls in a row failed`,
          retryable: false,
          model: opts.model,
        };
      }
      if (s === 'half_open') trialInFlight = true;
      try {
        const result = await tier.classify(input);
        if (result.kind === 'unavailable' && result.retryable) {
          consecutive++;
          if (consecutive >= opts.failures) openedAt = opts.now();
        } else {
          consecutive = 0;
          openedAt = null;
        }
        return result;
      } finally {
        if (s === 'half_open') trialInFlight = false;
      }
    },
  };
}
