import { z } from 'zod';
import { createKeywordMatcher } from './keywords.js';
import { Category, FALLBACK_TEAM, Team, type RoutingTable } from './taxonomy.js';

/** One row of the old router's table: a phrase and where it sends the ticket. */
export const LegacyRule = z.strictObject({
  phrase: z.string().trim().min(1).max(200),
  category: Category,
  team: Team.optional(),
});
export type LegacyRule = z.infer<typeof LegacyRule>;
export const LegacyTable = z.array(LegacyRule).max(2_000);

/**
 * The keyword table a support desk typically runs before it has any model: first match wins, in
 * table order, and anything unmatched lands in triage. It is the pilot's control group, kept as
 * the desk had it rather than tuned to look good.
 */
export const DEFAULT_LEGACY_TABLE: readonly LegacyRule[] = [
  { phrase: 'refund', category: 'billing' },
  { phrase: 'invoice', category: 'billing' },
  { phrase: 'charged', category: 'billing' },
  { phrase: 'payment', category: 'billing' },
  { phrase: 'billing', category: 'billing' },
  { phrase: 'cancel', category: 'cancellation' },
  { phrase: 'unsubscribe', category: 'cancellation' },
  { phrase: 'close my account', category: 'cancellation' },
  { phrase: 'crash', category: 'bug' },
  { phrase: 'error', category: 'bug' },
  { phrase: 'bug', category: 'bug' },
  { phrase: 'broken', category: 'bug' },
  { phrase: 'password', category: 'technical' },
  { phrase: 'login', category: 'technical' },
  { phrase: 'log in', category: 'technical' },
  { phrase: 'how do i', category: 'technical' },
  { phrase: 'integration', category: 'technical' },
  { phrase: 'pricing', category: 'sales' },
  { phrase: 'quote', category: 'sales' },
  { phrase: 'demo', category: 'sales' },
  { phrase: 'upgrade', category: 'sales' },
  { phrase: 'enterprise', category: 'sales' },
  { phrase: 'rechnung', category: 'billing' },
  { phrase: 'kündigen', category: 'cancellation' },
  { phrase: 'fatura', category: 'billing' },
  { phrase: 'iptal', category: 'cancellation' },
];

export interface LegacyDecision {
  category: Category;
  team: Team;
  /** The phrase that matched, or null when the ticket fell through to triage. */
  matched: string | null;
}

export interface LegacyRouter {
  route(text: string | readonly string[]): LegacyDecision;
}

export function createLegacyRouter(table: readonly LegacyRule[], routing: RoutingTable): LegacyRouter {
  const matcher = createKeywordMatcher(table.map((r) => r.phrase));
  // The matcher reports the phrase as it folded it; map that back to the first row with it.
  const byPhrase = new Map<string, LegacyRule>();
  for (const rule of table) {
    const key = createKeywordMatcher([rule.phrase]).first(rule.phrase);
    if (key !== undefined && !byPhrase.has(key)) byPhrase.set(key, rule);
  }
  return {
    route(text) {
      const hit = matcher.first(text);
      const rule = hit === undefined ? undefined : byPhrase.get(hit);
      if (!rule) return { category: 'other', team: FALLBACK_TEAM, matched: null };
      return { category: rule.category, team: rule.team ?? routing[rule.category], matched: rule.phrase };
    },
  };
}
