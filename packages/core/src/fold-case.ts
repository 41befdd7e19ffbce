/**
 * Text as the keyword and injection patterns compare it: NFKC, so a decomposed "ü" is the same letter
 * as a composed one and look-alikes that are the same letter (long ſ, fullwidth ＩＧＮＯＲＥ, ligatures)
 * become it, which `/iu` matching only partly did; Turkish dotted İ and dotless ı as plain i, because Unicode case folding (the `i`
 * flag) keeps them apart from i and `toLowerCase` turns İ into i plus a combining dot; then lower case.
 * Folding once and matching patterns without the `i` flag is also about six times faster on long
 * tickets than `/iu` matching, which case-folds every character for every pattern (bench scenario 1).
 */
export const foldCase = (s: string): string => s.normalize('NFKC').replace(/[İı]/g, 'i').toLowerCase();
