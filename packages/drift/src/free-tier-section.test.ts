import { describe, expect, it } from 'vitest';
import { freeTierSection, type FreeTierWeek } from './free-tier-section.js';

const week: FreeTierWeek = {
  judges: ['cheap', 'strong'],
  rates: { local: 0.02, cheap: 0.01 },
  weeks: [
    {
      week: '2026-W50',
      agreement: {
        'local:cheap:billing': { judged: 40, agreed: 38 },
        'local:human:sales': { judged: 5, agreed: 2 },
      },
    },
  ],
  events: [
    {
      at: '2026-12-08T09:30:00.000Z',
      tier: 'local',
      action: 'off',
      by: 'guard',
      reason: 'live guard: 2 of the last 10',
    },
  ],
  localSwitch: { off: true, by: 'guard', since: '2026-12-08T09:30:00.000Z', reason: 'live guard: 2 of the last 10' },
  models: [
    {
      at: '2026-12-09T03:00:10.000Z',
      action: 'promote',
      version: 'local-b',
      by: 'retrain',
      reason: 'takes 40% at 96%',
    },
    {
      at: '2026-12-10T03:00:10.000Z',
      action: 'reject',
      version: 'local-c',
      by: 'retrain',
      reason: 'worse on 300 labels',
    },
  ],
  champion: { version: 'local-b', vetted: true },
};

describe('the weekly report’s free-tier section', () => {
  it('shows agreement per week, tier, judge and category, and what the guard did', () => {
    const s = freeTierSection(week);
    expect(s.rows).toEqual([
      ['2026-W50', 'local', 'cheap model', 'billing', '38 of 40', '95.0%'],
      ['2026-W50', 'local', 'a person', 'sales', '2 of 5', '40.0%'],
    ]);
    expect(s.note).toContain('2% of what the local tier routes is asked again of the cheap tier');
    expect(s.note).toContain('The local tier is OFF since 2026-12-08T09:30 (guard');
    expect(s.note).toContain('switched OFF by the live guard');
    expect(s.note).toContain('model local-b PROMOTED by retrain (takes 40% at 96%)');
    expect(s.note).toContain('model local-c rejected by retrain (worse on 300 labels)');
    expect(s.note).not.toContain('PROBATION');
    expect(freeTierSection({ ...week, champion: { version: 'local-a', vetted: false } }).note).toContain(
      'Its model local-a is ON PROBATION',
    );
  });

  it('says so when no paid tier is configured and nothing was sent', () => {
    const s = freeTierSection({ ...week, judges: [], weeks: [], events: [], localSwitch: null, models: [] });
    expect(s.rows).toEqual([]);
    expect(s.note).toContain('No cheap or strong model is configured, so no spot checks were sent');
    expect(s.note).toContain('The local tier is on.');
    expect(s.note).toContain('No local model was promoted or rejected in this window.');
  });
});
