import { foldCase } from './fold-case.js';

/**
 * Whole-word, case-insensitive phrase matching. "asap" must not fire inside "wasapp", and a phrase
 * such as "production down" must match across any run of whitespace.
 */
export interface KeywordMatcher {
  /**
   * The first configured keyword found, in configuration order, or undefined. Separate texts (a
   * subject and a body) are matched one by one, so a phrase cannot straddle the two.
   */
  first(text: string | readonly string[]): string | undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createKeywordMatcher(keywords: readonly string[]): KeywordMatcher {
  // Both sides folded the same way, so "ACİL" matches "acil".
  const cleaned = keywords.map((k) => foldCase(k.trim())).filter((k) => k.length > 0);
  const patterns = cleaned.map((keyword) => ({
    keyword,
    // \p{L}\p{N} boundaries instead of \b so that non-ASCII words (German, Turkish) are whole words too.
    re: new RegExp(
      `(?<![\\p{L}\\p{N}_])${keyword.split(/\s+/).map(escapeRegExp).join('\\s+')}(?![\\p{L}\\p{N}_])`,
      'u',
    ),
  }));
  return {
    first(text) {
      const folded = (typeof text === 'string' ? [text] : text).map(foldCase);
      for (const { keyword, re } of patterns) {
        if (folded.some((t) => re.test(t))) return keyword;
      }
      return undefined;
    },
  };
}
