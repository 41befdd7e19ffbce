import { z } from 'zod';
import { DEFAULT_THRESHOLDS, Team } from '@switchboard/core';
import { envFragment, jsonOf } from '@switchboard/runtime';
import { TeamWebhook } from './config.js';

/** The human-override rule escalation applies; drift and ops eval read it so their escalation figures match. */
export const escalationRulesEnv = envFragment('escalation', 'rules', {
  HIGH_PRIORITY_MIN_CONFIDENCE: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('A high-priority decision below this confidence goes to a human.')
    .meta({ default: DEFAULT_THRESHOLDS.highPriorityMinConfidence }),
});

export const escalationWorkerEnv = envFragment('escalation', 'worker', {
  ESCALATION_CONCURRENCY: z.coerce
    .number()
    .int()
    .positive()
    .default(16)
    .describe('Decisions one escalation worker handles at once.'),
});

/** Team webhooks: escalation delivers to them, and the review desk sends a resolved ticket the same way. */
export const webhooksEnv = envFragment('escalation', 'webhooks', {
  TEAM_WEBHOOKS: jsonOf(z.partialRecord(Team, TeamWebhook))
    .optional()
    .describe('JSON {"billing_support": {"url": "https://…", "secret": "…16+ chars"}}: teams delivered by signed POST.')
    .meta({ default: 'none (per-team queues only)' }),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000).describe('Timeout of one webhook POST.'),
  WEBHOOK_ATTEMPTS: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe("Attempts of a webhook delivery before dead letter; unset, the webhook queue's declared retries.")
    .meta({ default: 'from the queue catalog' }),
  WEBHOOK_BACKOFF_MS: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "First retry delay of a failed webhook POST, doubled on each further attempt; unset, the queue catalog's.",
    )
    .meta({ default: 'from the queue catalog' }),
  WEBHOOK_CONCURRENCY: z.coerce
    .number()
    .int()
    .positive()
    .default(8)
    .describe('Webhook POSTs one worker sends at once.'),
});
