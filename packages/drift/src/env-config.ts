import { z } from 'zod';
import { REPO_FILES, REPO_PATHS } from '@switchboard/classifier';
import { ConfigError, envFragment, parseEnv } from '@switchboard/runtime';
import { DriftConfig, type DriftConfigInput } from './config.js';

const num = z.coerce.number();

/** The weekly drift check: when it runs, what it alerts on, what switches the cheap tier off. */
export const driftEnv = envFragment('drift', 'check', {
  DRIFT_CRON: z.string().optional().describe('Cron of the weekly check (seconds field optional).').meta({
    default: '0 6 * * 1',
  }),
  DRIFT_TIMEZONE: z.string().optional().describe('Time zone of DRIFT_CRON.').meta({ default: 'UTC' }),
  DRIFT_ALERT_DROP_POINTS: num
    .positive()
    .optional()
    .describe('Accuracy drop (points) against the baseline that alerts Slack.')
    .meta({ default: 3 }),
  DRIFT_FALLBACK_DROP_POINTS: num
    .positive()
    .optional()
    .describe('Accuracy drop (points) that switches the cheap tier off fleet-wide.')
    .meta({ default: 5 }),
  DRIFT_RECOVER_WITHIN_POINTS: num
    .nonnegative()
    .optional()
    .describe('A run this close to the baseline ends a fallback drift started.')
    .meta({ default: 1 }),
  DRIFT_FALLBACK_DAILY_CAP_USD: num
    .nonnegative()
    .optional()
    .describe('Strong-tier spend per UTC day the fallback may cause before unsure tickets go to humans.')
    .meta({ default: 50 }),
  DRIFT_PSI_ALERT: num
    .positive()
    .optional()
    .describe('Population stability of the production mix above which drift alerts.')
    .meta({ default: 0.2 }),
  DRIFT_MIN_WEEKLY_TICKETS: num
    .int()
    .positive()
    .optional()
    .describe('Below this many tickets a week, production mix figures are reported, never alerted on.')
    .meta({ default: 200 }),
  DRIFT_CONCURRENCY: num.int().positive().optional().describe('Eval tickets the drift check runs at once.').meta({
    default: 4,
  }),
});

/** The eval set, the baseline it is compared with and where reports go; ops eval and eval-promote read them too. */
export const driftPathsEnv = envFragment('drift', 'paths', {
  DRIFT_EVAL_SET: z.string().optional().describe('The labelled eval set the drift check runs.').meta({
    default: REPO_FILES.evalSet,
  }),
  DRIFT_BASELINE_PATH: z
    .string()
    .optional()
    .describe('The baseline run drift compares with; `pnpm ops eval-promote` writes it.')
    .meta({ default: REPO_FILES.baseline }),
  DRIFT_REPORT_DIR: z.string().optional().describe('Where weekly reports and eval runs are written.').meta({
    default: REPO_FILES.reportDir,
  }),
});

export const slackEnv = envFragment('drift', 'slack', {
  SLACK_TOKEN: z
    .string()
    .optional()
    .describe('Slack bot token for alerts and the weekly report; set with SLACK_CHANNEL.'),
  SLACK_API_URL: z.url().optional().describe("Slack's Web API base URL, e.g. a proxy.").meta({
    default: "Slack's own",
  }),
  SLACK_CHANNEL: z
    .string()
    .optional()
    .describe('Slack channel for alerts and the weekly report; unset, they are written to the log only.'),
});

const _driftSettings = z.object({ ...driftEnv.shape, ...driftPathsEnv.shape, ...slackEnv.shape });
export type DriftSettings = z.infer<typeof _driftSettings>;

export interface DriftPaths {
  evalSet: string;
  baseline: string;
  reportDir: string;
}

/** The drift files as configured; an unset variable means the repository's file. */
export function driftPaths(
  env: { DRIFT_EVAL_SET?: string; DRIFT_BASELINE_PATH?: string; DRIFT_REPORT_DIR?: string },
  defaults: DriftPaths = REPO_PATHS,
): DriftPaths {
  return {
    evalSet: env.DRIFT_EVAL_SET ?? defaults.evalSet,
    baseline: env.DRIFT_BASELINE_PATH ?? defaults.baseline,
    reportDir: env.DRIFT_REPORT_DIR ?? defaults.reportDir,
  };
}

export function driftConfigFromEnv(
  env: DriftSettings,
  defaults: DriftPaths = REPO_PATHS,
): { config: DriftConfig; paths: DriftPaths } {
  if (env.SLACK_CHANNEL && !env.SLACK_TOKEN)
    throw new ConfigError('invalid configuration: SLACK_CHANNEL is set but SLACK_TOKEN is not');
  if (env.SLACK_TOKEN && !env.SLACK_CHANNEL)
    throw new ConfigError('invalid configuration: SLACK_TOKEN is set but SLACK_CHANNEL is not');
  const paths = driftPaths(env, defaults);
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
  return { config, paths };
}

function validTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ConfigError(`invalid configuration: DRIFT_TIMEZONE: unknown time zone "${tz}"`);
  }
}
