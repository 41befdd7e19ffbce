import { z } from 'zod';
import { ClassifierEnv } from '@switchboard/classifier';
import { ConfigError, jsonOf, metricsEnvShape, parseEnv } from '@switchboard/runtime';
import { GateConfig } from '@switchboard/pilot';
import { DriftConfig, type DriftConfigInput } from './config.js';

const num = z.coerce.number();

/** The classifier's settings (the drift check runs its tiers) plus the drift job's own. */
export const DriftEnv = ClassifierEnv.extend({
  DRIFT_CRON: z.string().optional(),
  DRIFT_TIMEZONE: z.string().optional(),
  DRIFT_ALERT_DROP_POINTS: num.positive().optional(),
  DRIFT_FALLBACK_DROP_POINTS: num.positive().optional(),
  DRIFT_RECOVER_WITHIN_POINTS: num.nonnegative().optional(),
  DRIFT_FALLBACK_DAILY_CAP_USD: num.nonnegative().optional(),
  DRIFT_PSI_ALERT: num.positive().optional(),
  DRIFT_MIN_WEEKLY_TICKETS: num.int().positive().optional(),
  DRIFT_CONCURRENCY: num.int().positive().optional(),
  DRIFT_EVAL_SET: z.string().optional(),
  DRIFT_BASELINE_PATH: z.string().optional(),
  DRIFT_REPORT_DIR: z.string().optional(),
  /** The escalation app's rule, so the eval's escalation figures match production. */
  HIGH_PRIORITY_MIN_CONFIDENCE: num.min(0).max(1).optional(),
  /** What the pilot section's gate requires to leave each stage (as ingest's PILOT_GATES). */
  PILOT_GATES: jsonOf(GateConfig).optional(),
  SLACK_TOKEN: z.string().optional(),
  /** Slack's Web API base URL, e.g. a proxy; Slack's own by default. */
  SLACK_API_URL: z.url().optional(),
  SLACK_CHANNEL: z.string().optional(),
  // Its own port beside the classifier's; and drift, one process doing a weekly job, is the app
  // that reads queue depths for the fleet.
  ...metricsEnvShape({ port: 9103, queueDepths: true }),
});
export type DriftEnv = z.infer<typeof DriftEnv>;

export interface DriftPaths {
  evalSet: string;
  baseline: string;
  reportDir: string;
}

export function driftConfigFromEnv(
  raw: Record<string, string | undefined>,
  defaults: DriftPaths,
): { env: DriftEnv; config: DriftConfig; paths: DriftPaths } {
  const env = parseEnv(DriftEnv, raw);
  if (env.SLACK_CHANNEL && !env.SLACK_TOKEN)
    throw new ConfigError('invalid configuration: SLACK_CHANNEL is set but SLACK_TOKEN is not');
  if (env.SLACK_TOKEN && !env.SLACK_CHANNEL)
    throw new ConfigError('invalid configuration: SLACK_TOKEN is set but SLACK_CHANNEL is not');
  const paths = {
    evalSet: env.DRIFT_EVAL_SET ?? defaults.evalSet,
    baseline: env.DRIFT_BASELINE_PATH ?? defaults.baseline,
    reportDir: env.DRIFT_REPORT_DIR ?? defaults.reportDir,
  };
  const config = parseEnv(DriftConfig, {
    cron: env.DRIFT_CRON,
    timezone: env.DRIFT_TIMEZONE,
    alertDropPoints: env.DRIFT_ALERT_DROP_POINTS,
    fallbackDropPoints: env.DRIFT_FALLBACK_DROP_POINTS,
    recoverWithinPoints: env.DRIFT_RECOVER_WITHIN_POINTS,
    fallbackDailyCapUsd: env.DRIFT_FALLBACK_DAILY_CAP_USD,
    psiAlert: env.DRIFT_PSI_ALERT,
    minWeeklyTickets: env.DRIFT_MIN_WEEKLY_TICKETS,
    concurrency: env.DRIFT_CONCURRENCY,
    slackChannel: env.SLACK_CHANNEL,
    reportDir: paths.reportDir,
  } satisfies DriftConfigInput);
  if (config.fallbackDropPoints < config.alertDropPoints)
    throw new ConfigError(
      'invalid configuration: DRIFT_FALLBACK_DROP_POINTS must not be below DRIFT_ALERT_DROP_POINTS',
    );
  validTimezone(config.timezone);
  return { env, config, paths };
}

function validTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ConfigError(`invalid configuration: DRIFT_TIMEZONE: unknown time zone "${tz}"`);
  }
}
