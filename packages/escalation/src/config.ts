import { z } from 'zod';
import { DEFAULT_CRITICAL_KEYWORDS, DEFAULT_THRESHOLDS, Team } from '@switchboard/core';

export const TeamWebhook = z.object({
  url: z.url(),
  /** HMAC-SHA256 key; the receiver checks `v1=hex(hmac(secret, timestamp + "." + body))`. */
  secret: z.string().min(16, 'must be at least 16 characters'),
});
export type TeamWebhook = z.infer<typeof TeamWebhook>;

export const EscalationConfig = z.object({
  concurrency: z.number().int().positive().default(16),
  criticalKeywords: z.array(z.string().min(1)).default([...DEFAULT_CRITICAL_KEYWORDS]),
  highPriorityMinConfidence: z.number().min(0).max(1).default(DEFAULT_THRESHOLDS.highPriorityMinConfidence),
  webhooks: z.partialRecord(Team, TeamWebhook).default({}),
  webhookTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * Overrides of the webhook queue's declared retries (the queue catalog holds the defaults): attempts,
   * and the first retry delay of a failed POST, which BullMQ doubles on each further attempt.
   */
  webhookAttempts: z.number().int().positive().optional(),
  webhookBackoffMs: z.number().int().positive().optional(),
  webhookConcurrency: z.number().int().positive().default(8),
});
export type EscalationConfig = z.infer<typeof EscalationConfig>;
export type EscalationConfigInput = z.input<typeof EscalationConfig>;
