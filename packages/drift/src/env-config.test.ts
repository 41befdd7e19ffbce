import { describe, expect, it } from 'vitest';
import { composeEnv, ConfigError, parseEnv } from '@switchboard/runtime';
import { driftConfigFromEnv as fromSettings, driftEnv, driftPathsEnv, slackEnv } from './env-config.js';

const PATHS = {
  evalSet: '/repo/eval/sets/e.jsonl',
  baseline: '/repo/eval/baselines/drift.json',
  reportDir: '/repo/reports',
};

const Settings = composeEnv('test', [driftEnv, driftPathsEnv, slackEnv]).schema;
const driftConfigFromEnv = (raw: Record<string, string>, paths: typeof PATHS) =>
  fromSettings(parseEnv(Settings, raw), paths);

describe('drift configuration from the environment', () => {
  it('defaults to a weekly Monday check in UTC with the 3 / 5 / 1 point rules', () => {
    const { config, paths } = driftConfigFromEnv({}, PATHS);
    expect(config).toMatchObject({
      cron: '0 6 * * 1',
      timezone: 'UTC',
      alertDropPoints: 3,
      fallbackDropPoints: 5,
      recoverWithinPoints: 1,
      reportDir: '/repo/reports',
    });
    expect(config.slackChannel).toBeUndefined();
    expect(paths).toEqual(PATHS);
  });

  it('reads every setting, and an empty variable means unset', () => {
    const { config, paths } = driftConfigFromEnv(
      {
        DRIFT_CRON: '0 7 * * 2',
        DRIFT_TIMEZONE: 'Europe/Istanbul',
        DRIFT_FALLBACK_DAILY_CAP_USD: '12.5',
        SLACK_TOKEN: 'xoxb-1',
        SLACK_CHANNEL: '#ops',
        DRIFT_EVAL_SET: '/x.jsonl',
        DRIFT_PSI_ALERT: '',
      },
      PATHS,
    );
    expect(config).toMatchObject({
      cron: '0 7 * * 2',
      timezone: 'Europe/Istanbul',
      fallbackDailyCapUsd: 12.5,
      slackChannel: '#ops',
      psiAlert: 0.2,
    });
    expect(paths.evalSet).toBe('/x.jsonl');
  });

  it('rejects settings that cannot work, naming them', () => {
    expect(() => driftConfigFromEnv({ DRIFT_TIMEZONE: 'Mars/Olympus' }, PATHS)).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    expect(() => driftConfigFromEnv({ SLACK_CHANNEL: '#ops' }, PATHS)).toThrow(ConfigError);
    expect(() => driftConfigFromEnv({ DRIFT_ALERT_DROP_POINTS: '6', DRIFT_FALLBACK_DROP_POINTS: '5' }, PATHS)).toThrow(
      /DRIFT_FALLBACK_DROP_POINTS/,
    );
    expect(() => driftConfigFromEnv({ DRIFT_FALLBACK_DAILY_CAP_USD: '-1' }, PATHS)).toThrow(
      /DRIFT_FALLBACK_DAILY_CAP_USD/,
    );
  });
});
