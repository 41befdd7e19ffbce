import type { Attempt, DecisionRecord } from './decision-record.js';
import type { KeywordMatcher } from './keywords.js';
import type { ModelDecision } from './model-decision.js';
import { NOTE, REASON } from './reasons.js';
import { redactPii, type Redactions } from './pii.js';
import type { Tier, TierInput, TierResult } from './tier.js';

export interface CascadeOptions {
  tiers: readonly Tier[];
  critical: KeywordMatcher;
  /** Retries of a timed-out or 5xx call on the same tier before moving on. */
  transientRetries: number;
  /** Retries of a contract-breaking answer on the same tier before moving on. */
  invalidRetries: number;
  backoffMs: (retry: number) => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  clock: () => Date;
  /**
   * After a ticket has waited out enough 429s, a rate-limited tier counts as unavailable, so the ticket
   * moves on to the next tier (or a human) instead of waiting for ever.
   */
  rateLimitIsUnavailable?: boolean;
  /** Take e-mail addresses and card numbers out of the text before it reaches an external model. */
  redactPii?: boolean;
}

/** A provider said 429: the whole ticket waits and is tried again, without spending an attempt. */
export interface RateLimited {
  kind: 'rate_limited';
  tier: Tier['name'];
  retryAfterMs: number;
  /** No call was made: the tier is holding tickets back until the provider's Retry-After passes. */
  held: boolean;
}

export type CascadeResult = { kind: 'record'; record: DecisionRecord } | RateLimited;

const noUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** Subject and body as separate texts, for keyword matching that must not join them into one phrase. */
export function ticketText(input: Pick<TierInput, 'subject' | 'body'>): readonly string[] {
  return input.subject ? [input.subject, input.body] : [input.body];
}

function attemptOf(tier: Tier, result: TierResult, latencyMs: number, accepted: boolean): Attempt {
  const base = { tier: tier.name, latencyMs, ...noUsage, raw: null, confidence: null, model: null };
  switch (result.kind) {
    case 'answer':
      return {
        ...base,
        ...result.usage,
        model: result.model,
        raw: result.raw,
        confidence: result.decision.confidence,
        outcome: accepted ? 'accepted' : 'below_threshold',
      };
    case 'abstain':
      return { ...base, outcome: 'abstained' };
    case 'invalid':
      return {
        ...base,
        ...result.usage,
        model: result.model,
        raw: result.raw,
        outcome: 'invalid',
        error: result.error,
      };
    case 'unavailable':
      return { ...base, model: result.model, outcome: 'unavailable', error: result.error };
    case 'rate_limited':
      return { ...base, model: result.model, outcome: 'unavailable', error: 'rate_limited' };
  }
}

/**
 * Runs the tiers cheapest first. Critical tickets never reach a tier. A tier's answer is accepted when
 * its confidence clears the tier's threshold; otherwise the next tier runs. The outcome is always a
 * record (decided, critical, low_confidence or failed) unless a provider rate-limits us, in which case
 * the caller re-queues the ticket for later instead of burning the next tier.
 */
export async function runCascade(input: TierInput, opts: CascadeOptions): Promise<CascadeResult> {
  const started = opts.now();
  const attempts: Attempt[] = [];
  const record = (
    fields: Pick<DecisionRecord, 'outcome' | 'tier' | 'model' | 'promptVersion' | 'decision' | 'raw'> &
      Partial<Pick<DecisionRecord, 'criticalKeyword' | 'failureReasons' | 'notes'>>,
  ): CascadeResult => ({
    kind: 'record',
    record: {
      criticalKeyword: null,
      failureReasons: [],
      ...fields,
      notes: [...declined, ...(fields.notes ?? [])],
      attempts,
      totals: {
        latencyMs: opts.now() - started,
        promptTokens: attempts.reduce((s, a) => s + a.promptTokens, 0),
        completionTokens: attempts.reduce((s, a) => s + a.completionTokens, 0),
        costUsd: attempts.reduce((s, a) => s + a.costUsd, 0),
      },
      decidedAt: opts.clock().toISOString(),
      ...(opts.redactPii ? { redactions: counts } : {}),
    },
  });

  // Why tiers declined to decide (see TierResult.declined): kept on the record whoever decides.
  const declined: string[] = [];

  // Redacted once, up front: external tiers only ever see this copy, and the record says how much.
  const counts: Redactions = { emails: 0, cards: 0 };
  const externalInput: TierInput = opts.redactPii
    ? { ...input, subject: redactPii(input.subject, counts).text, body: redactPii(input.body, counts).text }
    : input;

  const keyword = opts.critical.first(ticketText(input));
  if (keyword !== undefined) {
    return record({
      outcome: 'critical',
      tier: null,
      model: null,
      promptVersion: null,
      decision: null,
      raw: null,
      criticalKeyword: keyword,
    });
  }

  type Candidate = { tier: Tier; index: number; decision: ModelDecision; raw: string | null; model: string | null };
  // The latest model answer that did not clear its threshold: the suggestion for a human.
  let best: Candidate | undefined;
  // A tier sure of the category but not the priority: decides, with priority medium, if no later tier answers.
  let priorityFallback: Candidate | undefined;
  let sawInvalid = false;
  let sawUnavailable = false;
  const fromCandidate = (
    c: Candidate,
  ): Pick<DecisionRecord, 'tier' | 'model' | 'promptVersion' | 'decision' | 'raw'> => ({
    tier: c.tier.name,
    model: c.model,
    promptVersion: c.tier.promptVersion,
    decision: c.decision,
    raw: c.raw,
  });

  for (const [index, tier] of opts.tiers.entries()) {
    let transientLeft = opts.transientRetries;
    let invalidLeft = opts.invalidRetries;
    let retry = 0;
    for (;;) {
      const t0 = opts.now();
      const result = await tier.classify(tier.external ? externalInput : input);
      const latency = opts.now() - t0;
      if (result.kind === 'rate_limited') {
        attempts.push(attemptOf(tier, result, latency, false));
        if (!opts.rateLimitIsUnavailable)
          return {
            kind: 'rate_limited',
            tier: tier.name,
            retryAfterMs: result.retryAfterMs,
            held: result.held ?? false,
          };
        sawUnavailable = true;
        break;
      }
      if (result.kind === 'answer' && result.declined !== undefined && !declined.includes(result.declined))
        declined.push(result.declined);
      const confident =
        result.kind === 'answer' && result.declined === undefined && result.decision.confidence >= tier.threshold;
      const priorityUnsure = result.kind === 'answer' && result.priorityConfident === false;
      const laterModel = opts.tiers.slice(index + 1).some((t) => t.isModel);
      const accepted = confident && !(priorityUnsure && laterModel);
      const attempt = attemptOf(tier, result, latency, accepted);
      const note = result.kind === 'answer' ? result.declined : undefined;
      attempts.push(
        note !== undefined
          ? { ...attempt, error: note }
          : confident && !accepted
            ? { ...attempt, error: NOTE.priorityUnsure }
            : attempt,
      );

      if (result.kind === 'answer') {
        const candidate: Candidate = { tier, index, decision: result.decision, raw: result.raw, model: result.model };
        if (priorityUnsure && confident) {
          priorityFallback = { ...candidate, decision: { ...result.decision, priority: 'medium' } };
          if (accepted)
            return record({ outcome: 'decided', ...fromCandidate(priorityFallback), notes: [NOTE.priorityUnsure] });
          break;
        }
        if (accepted) return record({ outcome: 'decided', ...fromCandidate(candidate) });
        // The last model to speak is the strongest one asked so far: its answer is the best suggestion.
        best = candidate;
        break;
      }
      if (result.kind === 'invalid') {
        sawInvalid = true;
        if (invalidLeft-- > 0) continue;
        break;
      }
      if (result.kind === 'unavailable') {
        sawUnavailable = true;
        if (result.retryable && transientLeft-- > 0) {
          await opts.sleep(opts.backoffMs(retry++));
          continue;
        }
        break;
      }
      break; // abstain
    }
  }

  if (priorityFallback && (!best || best.index < priorityFallback.index)) {
    return record({ outcome: 'decided', ...fromCandidate(priorityFallback), notes: [NOTE.priorityUnsure] });
  }
  if (best) return record({ outcome: 'low_confidence', ...fromCandidate(best) });
  const failureReasons: string[] = [];
  if (sawInvalid) failureReasons.push(REASON.modelOutputInvalid);
  if (sawUnavailable || !sawInvalid) failureReasons.push(REASON.modelsUnavailable);
  return record({
    outcome: 'failed',
    tier: null,
    model: null,
    promptVersion: null,
    decision: null,
    raw: null,
    failureReasons,
  });
}
