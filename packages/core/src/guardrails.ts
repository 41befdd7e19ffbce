import type { DecisionRecord } from './decision-record.js';
import { looksLikePromptInjection } from './injection.js';
import type { KeywordMatcher } from './keywords.js';
import { criticalReason, REASON, type ReasonCode } from './reasons.js';
import type { Route } from './route.js';
import { FALLBACK_TEAM } from './taxonomy.js';

export interface GuardrailOptions {
  critical: KeywordMatcher;
  /** A high-priority answer below this confidence goes to a human. */
  highPriorityMinConfidence: number;
}

/**
 * The human-override rules, applied to every decision whoever made it. The critical keywords are
 * checked again here, on the ticket text itself, so that no classifier can deliver a critical ticket.
 */
export function applyGuardrails(
  record: DecisionRecord,
  text: string | readonly string[],
  opts: GuardrailOptions,
): Route {
  const reasons: ReasonCode[] = [];
  const keyword = record.criticalKeyword ?? opts.critical.first(text);
  if (keyword !== undefined) reasons.push(criticalReason(keyword));
  if (record.pilot?.deliveredBy === 'legacy') {
    // The control group is delivered as the old router decided, but no router may deliver a
    // critical ticket or one that tries to instruct the router.
    if (looksLikePromptInjection(typeof text === 'string' ? [text] : text))
      reasons.push(REASON.promptInjectionSuspected);
    const team = record.pilot.legacy.team;
    return reasons.length > 0
      ? { team, via: 'human', escalated: true, reasons }
      : { team, via: 'legacy', escalated: false, reasons };
  }
  for (const r of record.failureReasons) {
    if (r === REASON.modelOutputInvalid || r === REASON.modelsUnavailable) reasons.push(r);
  }
  if (record.outcome === 'low_confidence') reasons.push(REASON.lowConfidence);
  if (looksLikePromptInjection(typeof text === 'string' ? [text] : text)) reasons.push(REASON.promptInjectionSuspected);
  const d = record.decision;
  if (d) {
    if (d.escalation_required) reasons.push(REASON.modelFlagged);
    if (d.priority === 'high' && d.confidence < opts.highPriorityMinConfidence) {
      reasons.push(REASON.highPriorityLowConfidence);
    }
  }
  if (!d && reasons.length === 0) reasons.push(REASON.modelsUnavailable);

  const team = d?.team ?? FALLBACK_TEAM;
  if (reasons.length > 0) return { team, via: 'human', escalated: true, reasons };
  return { team, via: record.tier ?? 'rule', escalated: false, reasons };
}
