import { describe, expect, it } from 'vitest';
import { escalationConfigFromEnv } from './config.js';

describe('escalation configuration from the environment', () => {
  it('serves metrics on 9102 by default, beside classifier (9101) and drift (9103), without queue depths', () => {
    expect(escalationConfigFromEnv({}).env).toMatchObject({
      METRICS_PORT: 9102,
      METRICS_HOST: '0.0.0.0',
      METRICS_QUEUE_DEPTHS: false,
    });
    expect(escalationConfigFromEnv({ METRICS_PORT: '0', METRICS_TOKEN: 'scrape-token-0123456789' }).env).toMatchObject({
      METRICS_PORT: 0,
      METRICS_TOKEN: 'scrape-token-0123456789',
    });
  });

  it('names a wrong metrics setting', () => {
    expect(() => escalationConfigFromEnv({ METRICS_PORT: '99999' })).toThrow(/METRICS_PORT/);
    expect(() => escalationConfigFromEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
