import {
  applyGuardrails,
  NOTE,
  runCascade,
  ticketText,
  type CascadeOptions,
  type Category,
  type DecisionOutcome,
  type GuardrailOptions,
  type Priority,
  type Team,
  type TierName,
  type Via,
} from '@switchboard/core';
import type { EvalItem } from './eval-set.js';

/** One ticket of a run: what was expected, what the cascade and the guardrails made of it. */
export interface EvalOutcome {
  id: string;
  language?: string | undefined;
  tags: string[];
  expected: EvalItem['expected'];
  /** The machine's answer, escalated or not; null when no tier answered (critical, all failed). */
  predicted: { category: Category; priority: Priority; team: Team; confidence: number } | null;
  outcome: DecisionOutcome;
  tier: TierName | null;
  via: Via;
  escalated: boolean;
  reasons: string[];
  /** Why the local tier passed the ticket on without deciding, when it declined (on probation, out of domain). */
  localDeclined?: LocalDecline | undefined;
  /** Critical tickets never reach a model, so accuracy figures leave them out. */
  critical: boolean;
  costUsd: number;
  costByModel: Record<string, number>;
  latencyMs: number;
}

const LOCAL_DECLINES = [NOTE.localProbation, NOTE.localOutOfDomain] as const;
export type LocalDecline = (typeof LOCAL_DECLINES)[number];
const isLocalDecline = (note: string | undefined): note is LocalDecline =>
  (LOCAL_DECLINES as readonly (string | undefined)[]).includes(note);

export interface RunOptions {
  /** The options the classifier workers use (classifier's `cascadeOptions`), so eval runs their code. */
  cascade: Omit<CascadeOptions, 'rateLimitIsUnavailable'>;
  guardrails: GuardrailOptions;
  concurrency: number;
  /** 429s a ticket waits out before the limited tier counts as unavailable, as in the workers. */
  maxRateLimitWaits?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Runs each item through the same cascade and guardrails as production, `concurrency` at a time. */
export async function runEval(items: readonly EvalItem[], opts: RunOptions): Promise<EvalOutcome[]> {
  const out = new Array<EvalOutcome>(items.length);
  let next = 0;
  let done = 0;
  const maxWaits = opts.maxRateLimitWaits ?? 5;
  const one = async (item: EvalItem): Promise<EvalOutcome> => {
    const input = { ticketId: item.id, subject: item.subject, body: item.body, language: item.language };
    for (let waits = 0; ; waits++) {
      const result = await runCascade(input, { ...opts.cascade, rateLimitIsUnavailable: waits >= maxWaits });
      if (result.kind === 'rate_limited') {
        await opts.cascade.sleep(result.retryAfterMs);
        continue;
      }
      const { record } = result;
      const route = applyGuardrails(record, ticketText(item), opts.guardrails);
      const costByModel: Record<string, number> = {};
      for (const a of record.attempts)
        if (a.model && a.costUsd > 0) costByModel[a.model] = (costByModel[a.model] ?? 0) + a.costUsd;
      const d = record.decision;
      const localDeclined = record.attempts.map((a) => (a.tier === 'local' ? a.error : undefined)).find(isLocalDecline);
      return {
        id: item.id,
        language: item.language,
        tags: item.tags,
        expected: item.expected,
        predicted: d ? { category: d.category, priority: d.priority, team: d.team, confidence: d.confidence } : null,
        outcome: record.outcome,
        tier: record.tier,
        via: route.via,
        escalated: route.escalated,
        reasons: route.reasons,
        ...(localDeclined ? { localDeclined } : {}),
        critical: record.outcome === 'critical',
        costUsd: record.totals.costUsd,
        costByModel,
        latencyMs: record.totals.latencyMs,
      };
    }
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (!item) continue;
      out[i] = await one(item);
      opts.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, items.length)) }, worker));
  return out;
}
