import { describe, expect, it } from 'vitest';
import { guardVerdict, inSample, isoWeek } from './tier-guard.js';

const rule = { target: 0.85, window: 200, minJudged: 10 };

describe('guardVerdict', () => {
  it('switches a tier off after a handful of checks when it is plainly wrong (a label swap)', () => {
    expect(guardVerdict(0, 9, rule).kind).toBe('wait');
    const v = guardVerdict(0, 10, rule);
    expect(v.kind).toBe('trip');
    expect(v.kind === 'trip' && v.why).toContain('upper bound');
  });

  it('leaves a tier well above its target alone on a full window', () => {
    expect(guardVerdict(190, 200, rule)).toMatchObject({ kind: 'ok' });
  });

  it('trips on a full window whose lower bound is below the target, though the point estimate is above it', () => {
    // 87% observed: above 85%, but 200 tickets do not show it reaches 85%.
    const v = guardVerdict(174, 200, rule);
    expect(v.kind).toBe('trip');
    expect(v.low).toBeLessThan(0.85);
    expect(174 / 200).toBeGreaterThan(0.85);
  });

  it('waits for a full window when the evidence is mixed', () => {
    expect(guardVerdict(40, 50, rule).kind).toBe('wait');
  });

  it('trips within a few dozen people’s labels on a model people find wrong a quarter of the time, whatever the judge model says', () => {
    const withPeople = { ...rule, target: 0.8, peopleTarget: 0.9 };
    // 60 judgments, 45 agreeing (75%): the window alone waits, as before.
    expect(guardVerdict(45, 60, withPeople).kind).toBe('wait');
    // 22 of them were people's, 15 right (68%): its 99% upper bound is below 90%.
    const v = guardVerdict(45, 60, withPeople, { judged: 22, agreed: 15 });
    expect(v).toMatchObject({
      kind: 'trip',
      why: expect.stringMatching(/15 of the last 22 tickets people judged right .* 99% upper bound/) as string,
    });
    // Fewer people's labels than minJudged, or a tier people find right, or no people's target: no trip.
    expect(guardVerdict(45, 60, withPeople, { judged: 9, agreed: 3 }).kind).toBe('wait');
    expect(guardVerdict(45, 60, withPeople, { judged: 22, agreed: 21 }).kind).toBe('wait');
    expect(guardVerdict(45, 60, { ...withPeople, peopleTarget: undefined }, { judged: 22, agreed: 15 }).kind).toBe(
      'wait',
    );
  });
});

describe('inSample', () => {
  it('takes about the configured share, the same choice every time for a ticket', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `ticket-${i}`);
    const taken = ids.filter((id) => inSample(id, 0.02)).length / ids.length;
    expect(taken).toBeGreaterThan(0.016);
    expect(taken).toBeLessThan(0.024);
    expect(ids.filter((id) => inSample(id, 0.02))).toEqual(ids.filter((id) => inSample(id, 0.02)));
    // Sequential ids of any shape, at any rate: a fair share (plain FNV-1a gave 22% for 30% of ticket-N).
    for (const prefix of ['ticket-', 't-', 'judge|eval-', 'zendesk:'])
      for (const rate of [0.02, 0.3, 0.5]) {
        const share = ids.filter((_, i) => inSample(`${prefix}${i}`, rate)).length / ids.length;
        expect(Math.abs(share - rate)).toBeLessThan(Math.max(0.004, rate * 0.06));
      }
    expect(inSample('x', 0)).toBe(false);
    expect(inSample('x', 1)).toBe(true);
  });
});

describe('isoWeek', () => {
  it('names ISO weeks, including the ones that straddle a year', () => {
    expect(isoWeek(new Date('2026-12-07T10:00:00Z'))).toBe('2026-W50');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });
});
