import { describe, expect, it } from 'vitest';
import { DEFAULT_LEGACY_TABLE, createLegacyRouter } from './legacy-router.js';
import { bucketOf, deliveringRouter } from './rollout.js';
import { DEFAULT_ROUTING_TABLE } from './taxonomy.js';

describe('pilot buckets', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `ZD-${100_000 + i}`);

  it.each([5, 50, 100])('the new router gets %i% of 10,000 tickets, within one point', (stage) => {
    const share = ids.filter((id) => deliveringRouter(stage, id) === 'new').length / ids.length;
    expect(Math.abs(share - stage / 100)).toBeLessThanOrEqual(0.01);
  });

  it('a ticket never flips router on retry, and stages nest: the 5% are inside the 50%', () => {
    for (const id of ids.slice(0, 500)) {
      expect(bucketOf(id)).toBe(bucketOf(id));
      if (deliveringRouter(5, id) === 'new') expect(deliveringRouter(50, id)).toBe('new');
    }
  });

  it('shadow delivers only legacy decisions and off only new ones', () => {
    expect(ids.every((id) => deliveringRouter('shadow', id) === 'legacy')).toBe(true);
    expect(ids.every((id) => deliveringRouter('off', id) === 'new')).toBe(true);
  });
});

describe('legacy keyword router', () => {
  const legacy = createLegacyRouter(DEFAULT_LEGACY_TABLE, DEFAULT_ROUTING_TABLE);

  it('takes the first row of the table that matches, as a whole word', () => {
    expect(legacy.route('Please refund and cancel my plan')).toEqual({
      category: 'billing',
      team: 'billing_support',
      matched: 'refund',
    });
    expect(legacy.route(['Cancel', 'I want to cancel'])).toEqual({
      category: 'cancellation',
      team: 'account_ops',
      matched: 'cancel',
    });
    expect(legacy.route('Errors everywhere').matched).toBeNull();
  });

  it('sends anything unmatched to triage, and honours a row with its own team', () => {
    expect(legacy.route('Love the new widget!')).toEqual({ category: 'other', team: 'triage', matched: null });
    const custom = createLegacyRouter(
      [{ phrase: 'Kündigen', category: 'cancellation', team: 'billing_support' }],
      DEFAULT_ROUTING_TABLE,
    );
    expect(custom.route('Ich möchte KÜNDIGEN')).toEqual({
      category: 'cancellation',
      team: 'billing_support',
      matched: 'Kündigen',
    });
  });
});
