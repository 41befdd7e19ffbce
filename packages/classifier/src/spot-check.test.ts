import { describe, expect, it } from 'vitest';
import type { DecisionRecord, Tier, TierName } from '@switchboard/core';
import { ClassifierConfig } from './config.js';
import { wantsSpotCheck } from './spot-check.js';

const tier = (name: TierName): Tier => ({
  name,
  threshold: 0.5,
  isModel: name === 'cheap' || name === 'strong',
  promptVersion: null,
  classify: () => Promise.resolve({ kind: 'abstain' }),
});

const decided = (by: TierName, outcome: DecisionRecord['outcome'] = 'decided'): DecisionRecord => ({
  outcome,
  tier: outcome === 'decided' ? by : null,
  model: 'm',
  promptVersion: null,
  decision:
    outcome === 'decided'
      ? {
          category: 'billing',
          priority: 'low',
          team: 'billing_support',
          confidence: 0.95,
          escalation_required: false,
          rationale: '',
        }
      : null,
  raw: null,
  criticalKeyword: outcome === 'critical' ? 'urgent' : null,
  failureReasons: [],
  notes: [],
  attempts: [],
  totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  decidedAt: new Date().toISOString(),
});

const config = ClassifierConfig.parse({ promptPath: 'p', guard: { localSpotCheckRate: 1, cheapSpotCheckRate: 1 } });
const all = [tier('rule'), tier('local'), tier('cheap'), tier('strong')];

describe('which decisions are spot-checked', () => {
  it('checks what the local tier routed with the next tier up, and what cheap routed with strong', () => {
    expect(wantsSpotCheck(config, all, decided('local'), 't1')).toBe(true);
    expect(wantsSpotCheck(config, all, decided('cheap'), 't1')).toBe(true);
    expect(wantsSpotCheck(config, all, decided('strong'), 't1')).toBe(false);
    expect(wantsSpotCheck(config, all, decided('rule'), 't1')).toBe(false);
  });

  it('sends nothing when there is no paid tier to ask, and never a critical or undecided ticket', () => {
    expect(wantsSpotCheck(config, [tier('rule'), tier('local')], decided('local'), 't1')).toBe(false);
    expect(wantsSpotCheck(config, [tier('rule'), tier('local'), tier('cheap')], decided('cheap'), 't1')).toBe(false);
    expect(wantsSpotCheck(config, all, decided('local', 'critical'), 't1')).toBe(false);
    expect(wantsSpotCheck(config, all, decided('local', 'low_confidence'), 't1')).toBe(false);
  });

  it('takes the configured share: 2% by default', () => {
    const byDefault = ClassifierConfig.parse({ promptPath: 'p' });
    const ids = Array.from({ length: 10_000 }, (_, i) => `ticket-${i}`);
    const share = ids.filter((id) => wantsSpotCheck(byDefault, all, decided('local'), id)).length / ids.length;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.025);
  });
});
