import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './signature.js';

const SECRET = 'team-webhook-secret-0123456789';
const body = JSON.stringify({ ticketId: 'T-1', route: { team: 'billing_support' } });
const now = 1_800_000_000;

describe('webhook signature', () => {
  const signature = signWebhook(SECRET, now, body);

  it('verifies what it signed', () => {
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, String(now), body, signature, 300, now)).toBe(true);
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('billing_support', 'core_eng');
    expect(verifyWebhook(SECRET, String(now), tampered, signature, 300, now)).toBe(false);
  });

  it('rejects another secret', () => {
    expect(verifyWebhook('another-secret-0123456789abcd', String(now), body, signature, 300, now)).toBe(false);
  });

  // The timestamp is part of what is signed, so a replay cannot simply claim to be fresh.
  it('rejects a signature moved to a fresh timestamp', () => {
    expect(verifyWebhook(SECRET, String(now + 60), body, signature, 300, now + 60)).toBe(false);
  });

  it('rejects an old capture even with a valid signature', () => {
    expect(verifyWebhook(SECRET, String(now), body, signature, 300, now + 301)).toBe(false);
  });

  it('rejects a timestamp from the future beyond the tolerance', () => {
    const ahead = now + 3_600;
    expect(verifyWebhook(SECRET, String(ahead), body, signWebhook(SECRET, ahead, body), 300, now)).toBe(false);
  });

  it('rejects a missing or malformed timestamp and signature', () => {
    expect(verifyWebhook(SECRET, '', body, signature, 300, now)).toBe(false);
    expect(verifyWebhook(SECRET, 'yesterday', body, signature, 300, now)).toBe(false);
    expect(verifyWebhook(SECRET, String(now), body, '', 300, now)).toBe(false);
    expect(verifyWebhook(SECRET, String(now), body, signature.slice(0, -1), 300, now)).toBe(false);
  });

  it('checks against the current clock by default', () => {
    const fresh = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(SECRET, String(fresh), body, signWebhook(SECRET, fresh, body))).toBe(true);
    const old = fresh - 3_600;
    expect(verifyWebhook(SECRET, String(old), body, signWebhook(SECRET, old, body))).toBe(false);
  });
});
