import { describe, expect, it } from 'vitest';
import { DecisionRecord } from './decision-record.js';
import { pipelineFailure } from './pipeline-failure.js';

const at = '2026-12-07T10:00:00.000Z';

describe('pipelineFailure', () => {
  it('gives a person the team the classifier had decided, keeping its record with the reason added', () => {
    const prior = DecisionRecord.parse({
      outcome: 'decided',
      tier: 'cheap',
      model: 'm',
      promptVersion: 'p',
      decision: {
        category: 'billing',
        priority: 'low',
        team: 'billing_support',
        confidence: 0.9,
        escalation_required: false,
        rationale: 'refund',
      },
      raw: null,
      criticalKeyword: null,
      failureReasons: [],
      attempts: [],
      totals: { latencyMs: 1, promptTokens: 2, completionTokens: 3, costUsd: 0.01 },
      decidedAt: '2026-12-07T09:59:00.000Z',
    });
    const { record, route } = pipelineFailure(prior, 'decisions: boom', at);
    expect(route).toEqual({ team: 'billing_support', via: 'human', escalated: true, reasons: ['pipeline_failed'] });
    expect(record).toEqual({ ...prior, failureReasons: ['pipeline_failed'] });
  });

  it('without a decision, sends the ticket to triage with a failed record that says what went wrong', () => {
    const { record, route } = pipelineFailure(undefined, 'tickets: provider down '.repeat(20), at);
    expect(route.team).toBe('triage');
    expect(record).toMatchObject({ outcome: 'failed', tier: null, failureReasons: ['pipeline_failed'], decidedAt: at });
    expect(record.notes[0]).toHaveLength(200);
    expect(DecisionRecord.safeParse(record).success).toBe(true);
  });
});
