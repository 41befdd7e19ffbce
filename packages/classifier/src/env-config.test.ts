import { describe, expect, it } from 'vitest';
import { composeEnv, parseEnv } from '@switchboard/runtime';
import type { ThresholdsFile } from './calibrate.js';
import { classifierConfigFromEnv, classifierStackFragments } from './env-config.js';

const defaults = { promptPath: '/p/routing_prompt.txt', localModelPath: '/m/local-default.json' };
const Stack = composeEnv('test', classifierStackFragments).schema;
const fromEnv = (raw: Record<string, string>, thresholds?: ThresholdsFile) =>
  classifierConfigFromEnv(parseEnv(Stack, raw), defaults, thresholds);
const fitted = (thresholds: Record<string, number | null>): ThresholdsFile => ({
  calibratedAt: '2026-11-25T10:00:00.000Z',
  target: 0.95,
  set: 'eval.jsonl',
  rows: 300,
  thresholds,
  expected: { coverage: 0.6, accuracy: 0.96, accuracyLow: 0.95, totalCostPer1k: 100 },
});

describe('classifier configuration from the environment', () => {
  it('runs rule → local with no endpoint, and adds paid tiers once an endpoint and key exist', () => {
    expect(fromEnv({})).toMatchObject({
      local: { modelPath: '/m/local-default.json', threshold: 0.9 },
    });
    expect(fromEnv({}).cheap).toBeUndefined();
    // A URL without a key is not a configured tier.
    expect(fromEnv({ MODEL_BASE_URL: 'https://gw.example/v1' }).cheap).toBeUndefined();
    const both = fromEnv({ MODEL_BASE_URL: 'https://gw.example/v1', MODEL_API_KEY: 'k' });
    expect(both.cheap).toMatchObject({ model: 'gpt-4o-mini', threshold: 0.75 });
    expect(both.strong).toMatchObject({ model: 'claude-opus-4-7', threshold: 0.6 });
  });

  it('takes calibrated thresholds, lets the environment override them, and honours a tier switched off', () => {
    const env = { MODEL_BASE_URL: 'https://gw.example/v1', MODEL_API_KEY: 'k' };
    const cal = fromEnv(env, fitted({ local: 0.84, cheap: 0.8, strong: null }));
    expect(cal.local?.threshold).toBe(0.84);
    expect(cal.cheap?.threshold).toBe(0.8);
    expect(cal.strong).toBeUndefined();
    const overridden = fromEnv(
      { ...env, CHEAP_THRESHOLD: '0.7', STRONG_THRESHOLD: '0.5' },
      fitted({ cheap: 0.8, strong: null }),
    );
    expect(overridden.cheap?.threshold).toBe(0.7);
    expect(overridden.strong?.threshold).toBe(0.5);
    expect(fromEnv({ LOCAL_MODEL_PATH: 'off' }).local).toBeUndefined();
  });

  it('reads REDACT_PII_FOR_MODELS as a flag and keeps redaction on when it is unset', () => {
    expect(fromEnv({}).redactPii).toBe(true);
    expect(fromEnv({ REDACT_PII_FOR_MODELS: 'false' }).redactPii).toBe(false);
    expect(fromEnv({ REDACT_PII_FOR_MODELS: '0' }).redactPii).toBe(false);
    expect(() => fromEnv({ REDACT_PII_FOR_MODELS: 'perhaps' })).toThrow(/REDACT_PII_FOR_MODELS/);
  });

  it('names the variable that is wrong', () => {
    expect(() => fromEnv({ CHEAP_THRESHOLD: '1.5' })).toThrow(/CHEAP_THRESHOLD/);
    expect(() => fromEnv({ ROUTING_TABLE: '{"billing":"nobody"}' })).toThrow(/ROUTING_TABLE/);
  });
});
