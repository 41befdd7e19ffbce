import { CATEGORIES, createKeywordMatcher, PRIORITIES, TEAMS, ticketText, type RoutingTable } from '@switchboard/core';
import type { EvalRow } from './eval-set.js';

/** The hard cases the issue asks the set to cover; each must appear at least `minPerTag` times. */
export const HARD_CASE_TAGS = [
  'critical',
  'prompt_injection',
  'multi_topic',
  'sarcasm',
  'very_short',
  'very_long',
  'quoted_reply',
] as const;
/** Tags that mean "a human must look": exactly these rows expect escalation. */
const ESCALATING_TAGS = new Set(['critical', 'prompt_injection', 'ambiguous']);

export interface EvalSetRequirements {
  minRows: number;
  minPerCategory: number;
  minPerLanguage: Record<string, number>;
  minPerTag: number;
  routing: RoutingTable;
  criticalKeywords: readonly string[];
}

const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/**
 * Everything that makes the eval set worth trusting, beyond each row's schema: coverage of every
 * label, language and hard case, labels consistent with the routing table and the critical rule,
 * and tags that say what the text is. Returns the problems; an empty list is a good set.
 */
export function checkEvalSet(rows: readonly EvalRow[], req: EvalSetRequirements): string[] {
  const problems: string[] = [];
  const count = (pred: (r: EvalRow) => boolean): number => rows.filter(pred).length;
  if (rows.length < req.minRows) problems.push(`${rows.length} rows; at least ${req.minRows} needed`);
  const ids = new Set<string>();
  for (const r of rows) {
    if (ids.has(r.id)) problems.push(`${r.id}: duplicate id`);
    ids.add(r.id);
  }
  for (const c of CATEGORIES) {
    const n = count((r) => r.expected.category === c);
    if (n < req.minPerCategory) problems.push(`category ${c}: ${n} rows, at least ${req.minPerCategory} needed`);
  }
  for (const p of PRIORITIES)
    if (count((r) => r.expected.priority === p) === 0) problems.push(`no row with priority ${p}`);
  for (const t of TEAMS) if (count((r) => r.expected.team === t) === 0) problems.push(`no row for team ${t}`);
  for (const [lang, min] of Object.entries(req.minPerLanguage)) {
    const n = count((r) => r.language === lang);
    if (n < min) problems.push(`language ${lang}: ${n} rows, at least ${min} needed`);
  }
  for (const tag of HARD_CASE_TAGS) {
    const n = count((r) => r.tags.includes(tag));
    if (n < req.minPerTag) problems.push(`tag ${tag}: ${n} rows, at least ${req.minPerTag} needed`);
  }
  const critical = createKeywordMatcher(req.criticalKeywords);
  for (const r of rows) {
    const where = `${r.id}:`;
    if (r.expected.team !== req.routing[r.expected.category]) {
      problems.push(
        `${where} team ${r.expected.team} is not the routing table's ${req.routing[r.expected.category]} for ${r.expected.category}`,
      );
    }
    const keyword = critical.first(ticketText(r));
    if ((keyword !== undefined) !== r.tags.includes('critical')) {
      problems.push(
        keyword !== undefined
          ? `${where} contains "${keyword}" but is not tagged critical`
          : `${where} tagged critical without a critical keyword`,
      );
    }
    const mustEscalate = r.tags.some((t) => ESCALATING_TAGS.has(t));
    if (mustEscalate !== r.expected.escalation)
      problems.push(`${where} escalation ${r.expected.escalation} contradicts its tags [${r.tags.join(', ')}]`);
    if (r.tags.includes('very_short') !== words(r.body) <= 5)
      problems.push(`${where} very_short tag does not match its ${words(r.body)}-word body`);
    if (r.tags.includes('very_long') !== r.body.length >= 1500)
      problems.push(`${where} very_long tag does not match its ${r.body.length}-character body`);
  }
  return problems;
}
