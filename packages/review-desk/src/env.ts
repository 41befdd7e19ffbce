import { z } from 'zod';
import { envFragment, flag, jsonOf } from '@switchboard/runtime';
import { WebUsers } from '@switchboard/web-auth';

const ms = () => z.coerce.number().int().positive().optional();

export const reviewDeskEnv = envFragment('review-desk', 'desk', {
  REVIEW_DESK_PORT: z.coerce.number().int().min(0).max(65_535).default(3200).describe('Port of the review desk.'),
  REVIEW_DESK_HOST: z.string().default('0.0.0.0').describe('Interface the review desk listens on.'),
  REVIEW_DESK_BASE_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)*$/, 'must look like /desk')
    .default('')
    .describe('Mount point behind a proxy, e.g. `/desk`.'),
  REVIEW_DESK_USERS: jsonOf(WebUsers).describe(
    'JSON [{"username": "ana", "roles": ["reviewer"], "passwordHash": "scrypt$…"}] (hash: `pnpm ops hash-password`).',
  ),
  REVIEW_DESK_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .describe('Signs session cookies; at least 32 characters.'),
  REVIEW_DESK_SESSION_HOURS: z.coerce.number().positive().default(12).describe('How long a sign-in lasts.'),
  REVIEW_DESK_SECURE_COOKIE: flag()
    .default(true)
    .describe('Session cookie only over HTTPS; `false` only for local development over plain HTTP.'),
  REVIEW_LEASE_MS: ms()
    .describe('How long a claim lasts without a renewal; an open ticket page renews it.')
    .meta({ default: 900_000 }),
  REVIEW_RENEW_MS: ms().describe('How often an open ticket page renews its claim.').meta({ default: 60_000 }),
  REVIEW_LIST_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .max(5_000)
    .optional()
    .describe('How many of the most urgent waiting tickets the list shows; the total is always shown.')
    .meta({ default: 500 }),
  REVIEW_SLA_MS: jsonOf(
    z.object({
      high: z.number().int().positive(),
      medium: z.number().int().positive(),
      low: z.number().int().positive(),
    }),
  )
    .optional()
    .describe('JSON {"high": ms, "medium": ms, "low": ms}: waiting longer shows as an SLA breach.')
    .meta({ default: '1 h / 4 h / 24 h' }),
});
