import { describe, expect, it } from 'vitest';
import { computeMetrics } from '@switchboard/eval';
import { productionDrift } from './production-drift.js';
import { weeklyHtml, weeklyMarkdown, weeklySlack, type WeeklyInputs } from './weekly-report.js';

const inputs = (pilot: WeeklyInputs['pilot']): WeeklyInputs => ({
  from: new Date('2026-11-16T00:00:00Z'),
  to: new Date('2026-11-23T00:00:00Z'),
  model: 'gpt-4o-mini',
  metrics: computeMetrics([]),
  comparison: null,
  baselineNote: null,
  production: productionDrift({}, {}, { psiAlert: 0.2, minWeeklyTickets: 200 }),
  week: { tickets: 10, 'via:cheap': 7, 'via:legacy': 3, 'human:resolved': 2, 'human:override': 1 },
  tierTargets: { rule: 0.15, cheap: 0.75, strong: 0.1 },
  fallback: null,
  actions: [],
  pilot,
});

describe('weekly report', () => {
  it('carries the pilot section while a pilot runs, in Markdown, HTML and the Slack summary', () => {
    const pilot = { markdown: 'Stage **5%**: 10 tickets <b>', summary: 'stage 5%, gate to 50% not yet justified' };
    expect(weeklyMarkdown(inputs(pilot))).toContain('## Pilot against the legacy router\n\nStage **5%**: 10 tickets');
    expect(weeklyHtml(inputs(pilot))).toContain('Stage **5%**: 10 tickets &lt;b&gt;');
    expect(weeklySlack(inputs(pilot), '/r.md')).toContain('Pilot: stage 5%, gate to 50% not yet justified');
    expect(weeklyMarkdown(inputs(null))).not.toContain('Pilot');
  });

  it('reports human overrides from the review desk', () => {
    expect(weeklyMarkdown(inputs(null))).toContain(
      "humans changed the machine's suggestion on 1 of the 2 they resolved",
    );
  });

  it('says why the eval’s local tier decided nothing while its model is on probation', () => {
    const passedOn = (id: string) => ({
      id,
      tags: [],
      expected: { category: 'billing' as const, team: 'billing_support' as const, priority: 'medium' as const },
      predicted: null,
      outcome: 'low_confidence' as const,
      tier: null,
      via: 'human' as const,
      escalated: true,
      reasons: [],
      localDeclined: 'local_probation' as const,
      critical: false,
      costUsd: 0,
      costByModel: {},
      latencyMs: 1,
    });
    const w = { ...inputs(null), metrics: computeMetrics([passedOn('a'), passedOn('b')]) };
    expect(weeklyMarkdown(w)).toMatch(/\| local tier passed on \| 100\.0% on probation \(its model is not yet vetted/);
    expect(weeklyMarkdown(inputs(null))).not.toContain('local tier passed on');
  });
});
