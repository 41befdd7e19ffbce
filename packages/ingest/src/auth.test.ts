import { describe, expect, it } from 'vitest';
import { createKeyChecker } from './auth.js';

describe('API key check', () => {
  const check = createKeyChecker(['first-key-0123456789abcdef', 'second-key-0123456789abcdef']);

  it('accepts every configured key, whatever the case of the scheme', () => {
    expect(check('Bearer first-key-0123456789abcdef')).toBe(true);
    expect(check('bearer second-key-0123456789abcdef')).toBe(true);
    expect(check('Bearer   first-key-0123456789abcdef  ')).toBe(true);
  });

  it('rejects a missing header, a wrong scheme, and near-misses of a real key', () => {
    expect(check(undefined)).toBe(false);
    expect(check('')).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check('Basic first-key-0123456789abcdef')).toBe(false);
    expect(check('first-key-0123456789abcdef')).toBe(false);
    expect(check('Bearer first-key-0123456789abcde')).toBe(false);
    expect(check('Bearer first-key-0123456789abcdefX')).toBe(false);
    expect(check('Bearer FIRST-KEY-0123456789ABCDEF')).toBe(false);
    expect(check('Bearer first-key-0123456789abcdef second-key-0123456789abcdef')).toBe(false);
  });

  it('lets nobody in when no key is configured', () => {
    expect(createKeyChecker([])('Bearer anything-at-all-0123456789')).toBe(false);
  });
});
