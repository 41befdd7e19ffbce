import type { z } from 'zod';
import { TEAMS, type Team } from '@switchboard/core';
import { AlertJob, DeadLetterJob, DecisionJob, DriftJob, RoutedTicket, TicketJob } from './payloads.js';

/**
 * A queue, declared once: its name in Redis, its one job name and the zod schema of its payload.
 * Producers and consumers both take these, so a wrong payload is a compile error, and a payload that
 * arrives malformed anyway (an old producer, a hand-made job) is caught by the schema at the consumer.
 * Names are a storage format: renaming one strands the jobs already in Redis.
 */
export interface QueueDef<Name extends string, Schema extends z.ZodType> {
  readonly queueName: string;
  readonly jobName: Name;
  readonly schema: Schema;
}

const define = <Name extends string, Schema extends z.ZodType>(
  queueName: string,
  jobName: Name,
  schema: Schema,
): QueueDef<Name, Schema> => ({ queueName, jobName, schema });

export const ticketsQueue = define('tickets', 'classify', TicketJob);
export const decisionsQueue = define('decisions', 'route', DecisionJob);
export const humanReviewQueue = define('human-review', 'review', RoutedTicket);
/** Signed webhook POSTs to teams that configured one; the secret stays in config, never in Redis. */
export const webhooksQueue = define('team-webhooks', 'deliver', RoutedTicket);
export const deadLetterQueue = define('dead-letter', 'dead', DeadLetterJob);
/** Fed by one job scheduler, so however many drift processes run, each period runs once. */
export const driftQueue = define('drift', 'check', DriftJob);
export const alertsQueue = define('alerts', 'post', AlertJob);

export type TeamQueueDef = QueueDef<'ticket', typeof RoutedTicket>;
const teamQueues = Object.fromEntries(
  TEAMS.map((team) => [team, define(`team-${team.replaceAll('_', '-')}`, 'ticket', RoutedTicket)]),
) as Record<Team, TeamQueueDef>;

/** The queue a team's tools consume. One per team so that each team drains at its own pace. */
export const teamQueue = (team: Team): TeamQueueDef => teamQueues[team];

/** Every queue of the fleet, for dashboards, metrics and clean-up. */
export const allQueueDefs = (): QueueDef<string, z.ZodType>[] => [
  ticketsQueue,
  decisionsQueue,
  humanReviewQueue,
  webhooksQueue,
  deadLetterQueue,
  driftQueue,
  alertsQueue,
  ...TEAMS.map(teamQueue),
];

/** BullMQ rejects integer-looking and `:`-containing job ids; ticket ids allow neither prefix nor colon. */
export const jobIdForTicket = (ticketId: string): string => `t-${ticketId}`;
export const ticketIdFromJobId = (jobId: string): string => jobId.replace(/^t-/, '');
