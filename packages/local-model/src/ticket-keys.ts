import {
  BODY_CHARS,
  BODY_WORDS,
  MAX_WORD_NGRAM,
  SUBJECT_CHARS,
  SUBJECT_WORDS,
  chainWord,
  forEachWord,
  ngramKey,
  subjectKey,
  wordKeys,
  type FeatureConfig,
  type WordKeys,
} from './text-keys.js';

export interface TextPair {
  subject: string;
  body: string;
}

/**
 * Every feature key of one ticket with its block: single words, runs of words, character n-grams,
 * for the subject and the body. This is the definition of the features; the vectoriser computes
 * the same keys with caching (a test holds the two together).
 */
export function forEachTicketKey(
  ticket: TextPair,
  cfg: FeatureConfig,
  cache: Map<string, WordKeys>,
  emit: (key: number, block: number) => void,
): void {
  const visit = (text: string, wordBlock: number, charBlock: number, salted: boolean): void => {
    const put = salted ? (key: number, b: number) => emit(subjectKey(key), b) : emit;
    const history = new Uint32Array(MAX_WORD_NGRAM);
    let seen = 0;
    forEachWord(text, (start, end) => {
      const id = text.slice(start, end);
      let word = cache.get(id);
      if (!word) {
        word = wordKeys(text, start, end, cfg);
        cache.set(id, word);
      }
      put(word.unigram, wordBlock);
      let chained = word.hash;
      for (let n = 2; n <= cfg.wordNgrams && n - 1 <= seen; n++) {
        chained = chainWord(history[n - 2] as number, chained);
        put(ngramKey(chained, n), wordBlock);
      }
      for (let i = 0; i < word.chars.length; i++) put(word.chars[i] as number, charBlock);
      history.copyWithin(1, 0, MAX_WORD_NGRAM - 1);
      history[0] = word.hash;
      seen = Math.min(seen + 1, MAX_WORD_NGRAM);
    });
  };
  if (ticket.subject) {
    const subject = ticket.subject.toLowerCase();
    if (cfg.subject !== 'separate') visit(subject, BODY_WORDS, BODY_CHARS, false);
    if (cfg.subject !== 'shared') visit(subject, SUBJECT_WORDS, SUBJECT_CHARS, true);
  }
  visit(ticket.body.toLowerCase(), BODY_WORDS, BODY_CHARS, false);
}
