import { describe, expect, it } from 'vitest';
import { classifierConfigFromEnv } from './env-config.js';

const defaults = { promptPath: '/p/routing_prompt.txt', localModelPath: '/m/local-default.json' };
const fitted = (thresholds: Record<string, number | null>) => ({
  calibratedAt: '2026-11-25T10:00:00.000Z',
  target: 0.95,
  set: 'eval.jsonl',
  rows: 300,
  thresholds,
  expected: { coverage: 0.6, accuracy: 0.96, accuracyLow: 0.95, totalCostPer1k: 100 },
});

describe('classifier configuration from the environment', () => {
  it('runs rule → local with no endpoint, and adds paid tiers once an endpoint and key exist', () => {
    expect(classifierConfigFromEnv({}, defaults).config).toMatchObject({
      local: { modelPath: '/m/local-default.json', threshold: 0.9 },
    });
    expect(classifierConfigFromEnv({}, defaults).config.cheap).toBeUndefined();
    // A URL without a key is not a configured tier.
    expect(classifierConfigFromEnv({ MODEL_BASE_URL: 'https://gw.example/v1' }, defaults).config.cheap).toBeUndefined();
    const both = classifierConfigFromEnv(
      { MODEL_BASE_URL: 'https://gw.example/v1', MODEL_API_KEY: 'k' },
      defaults,
    ).config;
    expect(both.cheap).toMatchObject({ model: 'gpt-4o-mini', threshold: 0.75 });
    expect(both.strong).toMatchObject({ model: 'claude-opus-4-7', threshold: 0.6 });
  });

  it('takes calibrated thresholds, lets the environment override them, and honours a tier switched off', () => {
    const env = { MODEL_BASE_URL: 'https://gw.example/v1', MODEL_API_KEY: 'k' };
    const cal = classifierConfigFromEnv(env, defaults, fitted({ local: 0.84, cheap: 0.8, strong: null })).config;
    expect(cal.local?.threshold).toBe(0.84);
    expect(cal.cheap?.threshold).toBe(0.8);
    expect(cal.strong).toBeUndefined();
    const overridden = classifierConfigFromEnv(
      { ...env, CHEAP_THRESHOLD: '0.7', STRONG_THRESHOLD: '0.5' },
      defaults,
      fitted({ cheap: 0.8, strong: null }),
    ).config;
    expect(overridden.cheap?.threshold).toBe(0.7);
    expect(overridden.strong?.threshold).toBe(0.5);
    expect(classifierConfigFromEnv({ LOCAL_MODEL_PATH: 'off' }, defaults).config.local).toBeUndefined();
  });

  it('serves metrics on 9101 by default and leaves queue depths to drift', () => {
    expect(classifierConfigFromEnv({}, defaults).env).toMatchObject({
      METRICS_PORT: 9101,
      METRICS_HOST: '0.0.0.0',
      METRICS_QUEUE_DEPTHS: 'off',
    });
    expect(classifierConfigFromEnv({ METRICS_PORT: 'off' }, defaults).env.METRICS_PORT).toBe('off');
  });

  it('names the variable that is wrong', () => {
    expect(() => classifierConfigFromEnv({ CHEAP_THRESHOLD: '1.5' }, defaults)).toThrow(/CHEAP_THRESHOLD/);
    expect(() => classifierConfigFromEnv({ ROUTING_TABLE: '{"billing":"nobody"}' }, defaults)).toThrow(/ROUTING_TABLE/);
  });
});
