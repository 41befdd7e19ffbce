/** How many of each kind of personal data were taken out of a ticket before a model saw it. */
export interface Redactions {
  emails: number;
  cards: number;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 13 to 19 digits, optionally grouped by single spaces or dashes, as people type card numbers.
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

/** The Luhn check every payment card number passes, so order numbers and phone numbers mostly do not match. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Replaces e-mail addresses and card numbers with `[email]` and `[card]`, counting them. */
export function redactPii(
  text: string,
  counts: Redactions = { emails: 0, cards: 0 },
): { text: string; counts: Redactions } {
  const noEmails = text.replace(EMAIL, () => {
    counts.emails++;
    return '[email]';
  });
  const noCards = noEmails.replace(CARD_CANDIDATE, (m) => {
    if (!luhnValid(m.replace(/[ -]/g, ''))) return m;
    counts.cards++;
    return '[card]';
  });
  return { text: noCards, counts };
}
