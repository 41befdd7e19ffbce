import type { TierName } from './decision-record.js';
import type { ModelDecision } from './model-decision.js';

/** The text a tier classifies, already assembled from subject and body. */
export interface TierInput {
  ticketId: string;
  subject: string;
  body: string;
  language?: string | undefined;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * How one call to a tier ended. `abstain` is a tier with nothing to say (no hotword matched);
 * `invalid` a reply that broke the contract; `unavailable` a provider that could not answer
 * (`retryable` for timeouts and 5xx, not for a 400); `rate_limited` a 429 the whole job must wait out.
 */
export type TierResult =
  | {
      kind: 'answer';
      decision: ModelDecision;
      raw: string | null;
      model: string | null;
      usage: Usage;
      /** False when the tier is sure of the category but not of the priority (the local model). */
      priorityConfident?: boolean;
      /**
       * The tier declines to decide, whatever its confidence, and says why (a NOTE code, such as
       * `local_out_of_domain`): its answer is only a suggestion, and the note goes on the record.
       */
      declined?: string;
    }
  | { kind: 'abstain' }
  | { kind: 'invalid'; error: string; raw: string | null; model: string; usage: Usage }
  | { kind: 'unavailable'; error: string; retryable: boolean; model: string }
  /** `held`: the tier did not call the provider, which had asked for quiet until then. */
  | { kind: 'rate_limited'; retryAfterMs: number; model: string; held?: boolean };

export interface Tier {
  name: TierName;
  /** An answer is accepted when its confidence is at least this. */
  threshold: number;
  /** True when the tier calls a model; a cascade with no such tier cannot decide unknown tickets. */
  isModel: boolean;
  /** True when the ticket text leaves this process (a provider's API): it gets the redacted text. */
  external?: boolean;
  /** Prompt version the tier uses, recorded on its decisions. */
  promptVersion: string | null;
  classify(input: TierInput): Promise<TierResult>;
}
