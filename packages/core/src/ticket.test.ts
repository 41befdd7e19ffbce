import { describe, expect, it } from 'vitest';
import { describeZodError, MAX_BODY_BYTES, TicketInput } from './ticket.js';

const errorOf = (value: unknown): string => {
  const parsed = TicketInput.safeParse(value);
  if (parsed.success) throw new Error('expected a validation error');
  return describeZodError(parsed.error);
};

describe('TicketInput', () => {
  it('accepts a full ticket', () => {
    const ticket = {
      id: 'zd-123_4.5',
      subject: 'Login',
      body: 'I cannot log in',
      channel: 'email',
      customer: { id: 'c1', email: 'a@example.com', tier: 'gold' },
      language: 'de',
      metadata: { plan: 'pro', seats: 5, trial: false, note: null },
    };
    expect(TicketInput.parse(ticket)).toEqual(ticket);
  });

  it.each(['', 'a:b', 'has space', 'x'.repeat(129), 'ä'])('rejects the id %j, naming the field', (id) => {
    expect(errorOf({ id, body: 'hi' })).toMatch(/^id: /);
  });

  it('accepts an id of 128 characters', () => {
    expect(TicketInput.safeParse({ id: 'x'.repeat(128), body: 'hi' }).success).toBe(true);
  });

  it('requires a non-empty body', () => {
    expect(errorOf({ id: 'a' })).toMatch(/^body: /);
    expect(errorOf({ id: 'a', body: '' })).toBe('body: must not be empty');
  });

  it('limits the body to 32 KiB of UTF-8, not 32 Ki characters', () => {
    expect(TicketInput.safeParse({ id: 'a', body: 'x'.repeat(MAX_BODY_BYTES) }).success).toBe(true);
    expect(errorOf({ id: 'a', body: 'x'.repeat(MAX_BODY_BYTES + 1) })).toMatch(/^body: must be at most 32768 bytes/);
    // 16,385 × "ü" is 32,770 bytes in UTF-8 though only 16,385 characters.
    expect(errorOf({ id: 'a', body: 'ü'.repeat(16_385) })).toMatch(/^body: /);
  });

  it('rejects unknown fields so typos surface', () => {
    expect(errorOf({ id: 'a', body: 'hi', subjet: 'typo' })).toMatch(/subjet/);
    expect(errorOf({ id: 'a', body: 'hi', customer: { mail: 'a@example.com' } })).toMatch(/^customer: .*mail/);
  });

  it('names nested fields in the message', () => {
    expect(errorOf({ id: 'a', body: 'hi', customer: { email: 'not-an-email' } })).toMatch(/^customer\.email: /);
  });

  it('limits metadata to 50 keys', () => {
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(errorOf({ id: 'a', body: 'hi', metadata })).toBe('metadata: must have at most 50 keys');
  });
});

describe('describeZodError', () => {
  it('joins every problem, prefixed with the root', () => {
    const parsed = TicketInput.safeParse({ id: '', body: '' });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const text = describeZodError(parsed.error, 'tickets.3');
    expect(text).toContain('tickets.3.id: ');
    expect(text).toContain('tickets.3.body: must not be empty');
    expect(text.split('; ')).toHaveLength(2);
  });
});
