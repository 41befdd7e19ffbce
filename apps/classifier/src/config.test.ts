import { describe, expect, it } from 'vitest';
import { parseEnv } from '@switchboard/runtime';
import { classifierAppEnv } from './config.js';

const parse = (raw: Record<string, string>) => parseEnv(classifierAppEnv.schema, raw);

describe('classifier app configuration', () => {
  it('serves metrics on 9101 by default and leaves queue depths to drift', () => {
    expect(parse({})).toMatchObject({ METRICS_PORT: 9101, METRICS_HOST: '0.0.0.0', METRICS_QUEUE_DEPTHS: false });
    expect(parse({ METRICS_PORT: 'off' }).METRICS_PORT).toBe('off');
  });

  it('reads REDIS_CLUSTER as a flag, in any of the usual spellings', () => {
    expect(parse({}).REDIS_CLUSTER).toBe(false);
    expect(parse({ REDIS_CLUSTER: 'true' }).REDIS_CLUSTER).toBe(true);
    expect(parse({ REDIS_CLUSTER: '1' }).REDIS_CLUSTER).toBe(true);
    expect(() => parse({ REDIS_CLUSTER: 'cluster' })).toThrow(/REDIS_CLUSTER: must be true or false/);
  });
});
