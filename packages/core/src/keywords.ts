/**
 * Whole-word, case-insensitive phrase matching. "asap" must not fire inside "wasapp", and a phrase
 * such as "production down" must match across any run of whitespace.
 */
export interface KeywordMatcher {
  /** The first configured keyword found in the text, in configuration order, or undefined. */
  first(text: string): string | undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createKeywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const cleaned = keywords.map((k) => k.trim().toLowerCase()).filter((k) => k.length > 0);
  const patterns = cleaned.map((keyword) => ({
    keyword,
    // \p{L}\p{N} boundaries instead of \b so that non-ASCII words (German, Turkish) are whole words too.
    re: new RegExp(
      `(?<![\\p{L}\\p{N}_])${keyword.split(/\s+/).map(escapeRegExp).join('\\s+')}(?![\\p{L}\\p{N}_])`,
      'iu',
    ),
  }));
  return {
    first(text) {
      for (const { keyword, re } of patterns) {
        if (re.test(text)) return keyword;
      }
      return undefined;
    },
  };
}
