import { z } from 'zod';
import { DecisionRecord, Team, Ticket, TierName } from '@switchboard/core';

export const RouteSchema = z.object({
  team: Team,
  via: z.union([TierName, z.literal('human')]),
  escalated: z.boolean(),
  reasons: z.array(z.string()),
});

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
  route: RouteSchema,
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
