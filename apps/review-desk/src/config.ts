import { z } from 'zod';
import { RoutingTable, Team } from '@switchboard/core';
import { TeamWebhook } from '@switchboard/escalation';
import { ReviewDeskConfig } from '@switchboard/review-desk';
import { jsonOf, metricsEnvShape, parseEnv, workerEnv } from '@switchboard/runtime';
import { WebUsers } from '@switchboard/web-auth';

const Ms = z.coerce.number().int().positive();

export const ReviewDeskEnv = workerEnv.extend({
  REVIEW_DESK_PORT: z.coerce.number().int().min(0).max(65_535).default(3200),
  REVIEW_DESK_HOST: z.string().default('0.0.0.0'),
  /** Mount point behind a proxy, e.g. `/desk`. */
  REVIEW_DESK_BASE_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)*$/, 'must look like /desk')
    .default(''),
  /** JSON: [{"username": "ana", "roles": ["reviewer"], "passwordHash": "scrypt$…"}] */
  REVIEW_DESK_USERS: jsonOf(WebUsers),
  REVIEW_DESK_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  REVIEW_DESK_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** Off only for local development over plain HTTP. */
  REVIEW_DESK_SECURE_COOKIE: z.enum(['true', 'false']).default('true'),
  REVIEW_LEASE_MS: Ms.optional(),
  REVIEW_RENEW_MS: Ms.optional(),
  /** How many of the most urgent waiting tickets the list shows; the total is always shown. */
  REVIEW_LIST_LIMIT: z.coerce.number().int().positive().max(5_000).optional(),
  /** JSON {"high": ms, "medium": ms, "low": ms}: waiting longer shows as an SLA breach. */
  REVIEW_SLA_MS: jsonOf(
    z.object({
      high: z.number().int().positive(),
      medium: z.number().int().positive(),
      low: z.number().int().positive(),
    }),
  ).optional(),
  ROUTING_TABLE: jsonOf(RoutingTable).optional(),
  /** The same webhooks escalation delivers to: a resolved ticket takes the same path. */
  TEAM_WEBHOOKS: jsonOf(z.partialRecord(Team, TeamWebhook)).optional(),
  /** Absent: the webhook queue's declared retries (queue catalog). */
  WEBHOOK_ATTEMPTS: z.coerce.number().int().positive().optional(),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().positive().optional(),
  ...metricsEnvShape({ port: 9104, queueDepths: false }),
});
export type ReviewDeskEnv = z.infer<typeof ReviewDeskEnv>;

export function reviewDeskConfigFromEnv(raw: Record<string, string | undefined>): {
  env: ReviewDeskEnv;
  config: ReviewDeskConfig;
} {
  const env = parseEnv(ReviewDeskEnv, raw);
  const config = parseEnv(ReviewDeskConfig, {
    leaseMs: env.REVIEW_LEASE_MS,
    renewEveryMs: env.REVIEW_RENEW_MS,
    listLimit: env.REVIEW_LIST_LIMIT,
    slaMs: env.REVIEW_SLA_MS,
    retentionDays: Math.max(90, env.RECORD_RETENTION_DAYS),
  });
  return { env, config };
}
