import { z } from 'zod';

const Share = z.number().min(0).max(1);

export const DriftConfig = z.object({
  /** Cron of the weekly check (seconds field optional) and its time zone; Monday 06:00 UTC by default. */
  cron: z.string().min(1).default('0 6 * * 1'),
  timezone: z.string().min(1).default('UTC'),
  /** One id for the whole fleet: every drift process upserts the same scheduler, so each period runs once. */
  schedulerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('weekly-drift'),
  alertDropPoints: z.number().positive().default(3),
  fallbackDropPoints: z.number().positive().default(5),
  /** A run this close to the baseline (or better) ends a fallback drift started. */
  recoverWithinPoints: z.number().nonnegative().default(1),
  /** Strong-tier spend per UTC day the fallback may cause before unsure tickets go to humans. */
  fallbackDailyCapUsd: z.number().nonnegative().default(50),
  /** Population stability above this, on a week with enough traffic, raises a production drift alert. */
  psiAlert: z.number().positive().default(0.2),
  /** Below this many tickets in either week, production mix figures are reported but never alerted on. */
  minWeeklyTickets: z.number().int().positive().default(200),
  tierTargets: z.object({ rule: Share, cheap: Share, strong: Share }).default({ rule: 0.15, cheap: 0.75, strong: 0.1 }),
  concurrency: z.number().int().positive().default(4),
  /** Slack channel for alerts and the weekly report; absent, they are written to the log only. */
  slackChannel: z.string().min(1).optional(),
  /** Overrides of the alerts queue's declared retries (the queue catalog holds the defaults). */
  alertAttempts: z.number().int().positive().optional(),
  alertBackoffMs: z.number().int().positive().optional(),
  /** More unanswered eval tickets than this share means the provider was down: retry, do not compare. */
  maxUnavailableShare: z.number().min(0).max(1).default(0.02),
  /** Where weekly reports and eval runs are written. */
  reportDir: z.string().min(1),
});
export type DriftConfig = z.infer<typeof DriftConfig>;
export type DriftConfigInput = z.input<typeof DriftConfig>;
