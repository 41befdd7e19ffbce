import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from './env.js';
import { metricsServerEnv, metricsTokenEnv } from './metrics-env.js';

const Env = z.object({ ...metricsServerEnv({ port: 9101, queueDepths: false }).shape, ...metricsTokenEnv.shape });

describe('metrics env', () => {
  it('defaults to the app port on all interfaces, no token, no queue depths', () => {
    expect(parseEnv(Env, {})).toEqual({ METRICS_PORT: 9101, METRICS_HOST: '0.0.0.0', METRICS_QUEUE_DEPTHS: false });
    expect(
      parseEnv(z.object(metricsServerEnv({ port: 9103, queueDepths: true }).shape), { METRICS_PORT: '' }),
    ).toMatchObject({
      METRICS_PORT: 9103,
      METRICS_QUEUE_DEPTHS: true,
    });
  });

  it('takes a port, 0 or off, and a token of 16+ characters', () => {
    expect(parseEnv(Env, { METRICS_PORT: '9200' }).METRICS_PORT).toBe(9200);
    expect(parseEnv(Env, { METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
    expect(parseEnv(Env, { METRICS_PORT: 'off' }).METRICS_PORT).toBe('off');
    expect(parseEnv(Env, { METRICS_TOKEN: 'scrape-token-0123456789' }).METRICS_TOKEN).toBe('scrape-token-0123456789');
  });

  it('reads queue depths as a flag, in the spellings it always accepted', () => {
    expect(parseEnv(Env, { METRICS_QUEUE_DEPTHS: 'on' }).METRICS_QUEUE_DEPTHS).toBe(true);
    expect(parseEnv(Env, { METRICS_QUEUE_DEPTHS: 'off' }).METRICS_QUEUE_DEPTHS).toBe(false);
    expect(parseEnv(Env, { METRICS_QUEUE_DEPTHS: 'true' }).METRICS_QUEUE_DEPTHS).toBe(true);
  });

  it('names the variable when a value is wrong', () => {
    expect(() => parseEnv(Env, { METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
    expect(() => parseEnv(Env, { METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => parseEnv(Env, { METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(() => parseEnv(Env, { METRICS_QUEUE_DEPTHS: 'maybe' })).toThrow(/METRICS_QUEUE_DEPTHS/);
  });
});
