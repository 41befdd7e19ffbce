import { z } from 'zod';
import { Category, DecisionRecord, Priority, Route, Team, Ticket } from '@switchboard/core';

export const TicketJob = z.object({
  ticket: Ticket,
  /** How many times a provider's 429 has put this ticket back to wait. */
  deferrals: z.number().int().nonnegative().optional(),
});
export type TicketJob = z.infer<typeof TicketJob>;

export const DecisionJob = z.object({ ticket: Ticket, record: DecisionRecord });
export type DecisionJob = z.infer<typeof DecisionJob>;

/** A ticket with its decision and where it went: what a team, a webhook or a reviewer receives. */
export const RoutedTicket = z.object({
  ticket: Ticket,
  record: DecisionRecord,
  route: Route,
  routedAt: z.iso.datetime(),
});
export type RoutedTicket = z.infer<typeof RoutedTicket>;

export const DeadLetterJob = z.object({
  queue: z.string(),
  jobName: z.string(),
  jobId: z.string(),
  data: z.unknown(),
  error: z.string(),
  attemptsMade: z.number().int(),
  failedAt: z.iso.datetime(),
});
export type DeadLetterJob = z.infer<typeof DeadLetterJob>;

/** One run of the drift check; `manual` when an operator asked for it outside the schedule. */
export const DriftJob = z.object({ trigger: z.enum(['schedule', 'manual']).default('schedule') });
export type DriftJob = z.infer<typeof DriftJob>;

/** One retrain of the local model; `manual` when an operator asked for it (`ops retrain`). */
export const RetrainJob = z.object({ trigger: z.enum(['schedule', 'manual']).default('schedule') });
export type RetrainJob = z.infer<typeof RetrainJob>;

/** A message for the on-call channel, posted by the alerts worker so Slack being down blocks nothing. */
export const AlertJob = z.object({
  /** Absent: the channel the alerts worker is configured with (producers outside drift do not know it). */
  channel: z.string().min(1).optional(),
  text: z.string().min(1).max(39_000),
  kind: z.enum([
    'drift_alert',
    'fallback_on',
    'fallback_off',
    'production_drift',
    'weekly_report',
    'tier_guard',
    'retrain',
  ]),
  createdAt: z.iso.datetime(),
});
export type AlertJob = z.infer<typeof AlertJob>;

/** What a person decided for an escalated ticket: ground truth for accuracy and the eval set. */
export const Resolution = z.object({
  category: Category,
  priority: Priority,
  team: Team,
  note: z.string().max(2000).optional(),
  reviewer: z.string().min(1),
  resolvedAt: z.iso.datetime(),
  /** True when the person changed the machine's category, team or priority (or it had none). */
  changed: z.boolean(),
});
export type Resolution = z.infer<typeof Resolution>;

/** The tiers the live guard watches: the free local model and the cheap model. */
export const GuardedTier = z.enum(['local', 'cheap']);
export type GuardedTier = z.infer<typeof GuardedTier>;

/** What a guarded tier decided for a ticket it routed on its own. */
export const CheckedAnswer = z.object({
  tier: GuardedTier,
  category: Category,
  /** The model (file version or model name) that decided, so a report can tell versions apart. */
  model: z.string().nullable(),
});
export type CheckedAnswer = z.infer<typeof CheckedAnswer>;

/**
 * One judgment for the live guard. A spot check: a sampled ticket the tier routed on its own, to be
 * asked again of the next tier up after delivery (never changing the route). Ground truth: what a
 * person finally set for a ticket the tier routed (the review desk or the feedback API).
 */
export const TierCheckJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('spot_check'), ticket: Ticket, checked: CheckedAnswer, decidedAt: z.iso.datetime() }),
  z.object({
    kind: z.literal('ground_truth'),
    ticketId: z.string().min(1),
    checked: CheckedAnswer,
    truth: Category,
    source: z.enum(['upstream', 'review_desk']),
    at: z.iso.datetime(),
  }),
]);
export type TierCheckJob = z.infer<typeof TierCheckJob>;
