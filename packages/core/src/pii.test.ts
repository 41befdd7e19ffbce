import { describe, expect, it } from 'vitest';
import { luhnValid, redactPii } from './pii.js';

describe('redacting personal data for external models', () => {
  it('takes out e-mail addresses and card numbers written in the usual ways', () => {
    const { text, counts } = redactPii(
      'Card 4242-4242-4242-4242 or 5555555555554444, write to a.b+c@shop.example.co.uk please',
    );
    expect(text).toBe('Card [card] or [card], write to [email] please');
    expect(counts).toEqual({ emails: 1, cards: 2 });
  });

  it('leaves order numbers, phone numbers, dates and amounts that fail the card check', () => {
    const s = 'Order 1234 5678 9012 3456, call +90 532 123 45 67, due 2026-11-25, total 1.299,00 TL';
    expect(redactPii(s)).toEqual({ text: s, counts: { emails: 0, cards: 0 } });
  });

  it('knows the Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});
