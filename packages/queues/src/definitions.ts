import type { z } from 'zod';
import { CONNECTORS, REASON, TEAMS, type Connector, type Priority, type Team } from '@switchboard/core';
import { retrying, STANDARD_POLICY, type JobPolicy } from './job-policy.js';
import {
  AlertJob,
  DeadLetterJob,
  DecisionJob,
  DriftJob,
  RetrainJob,
  RoutedTicket,
  TicketJob,
  TierCheckJob,
} from './payloads.js';

/** Who adds, who takes, and what a job carries, in words for the README's generated queue table. */
export interface QueueDoc {
  producer: string;
  consumer: string;
  payload: string;
  jobId: string;
  /** The env variables that change the retry policy per deployment, if any. */
  overrides?: string;
  /** No worker: people read the jobs (through an inspector) and remove them, so no retry ever runs. */
  readByPeople?: boolean;
  /** Queues that share one row of the table (the per-team queues). */
  family?: string;
  /**
   * Who consumes the queue when no worker of the fleet does (people, a team's own tools): a board
   * must not raise "no workers" for it, and says this instead.
   */
  outsideFleet?: string;
}

/** A job's BullMQ priority from its payload (lower runs, or is listed, first). */
export interface PriorityRule<T> {
  of(data: T): number;
  describe: string;
}

/** The queue is fed by a BullMQ job scheduler; its period comes from the owning app's config. */
export interface SchedulerDecl<T> {
  data: T;
  describe: string;
}

/**
 * A queue, declared once: its name in Redis, its one job name, the zod schema of its payload, and the
 * policy every job of it gets (retries, backoff, retention, priority), whoever adds the job. Producers
 * and consumers both take these, so a wrong payload is a compile error, and a payload that arrives
 * malformed anyway (an old producer, a hand-made job) is caught by the schema at the consumer.
 * Names are a storage format: renaming one strands the jobs already in Redis.
 */
export interface QueueDef<Name extends string, Schema extends z.ZodType> {
  readonly queueName: string;
  readonly jobName: Name;
  readonly schema: Schema;
  readonly policy: JobPolicy;
  readonly priority?: PriorityRule<z.output<Schema>>;
  readonly scheduler?: SchedulerDecl<z.input<Schema>>;
  readonly doc: QueueDoc;
}

const define = <Name extends string, Schema extends z.ZodType>(
  queueName: string,
  jobName: Name,
  schema: Schema,
  rest: Omit<QueueDef<Name, Schema>, 'queueName' | 'jobName' | 'schema' | 'policy'> & { policy?: JobPolicy },
): QueueDef<Name, Schema> => ({ queueName, jobName, schema, ...rest, policy: rest.policy ?? STANDARD_POLICY });

const TICKET_JOB_ID = '`t-<ticket id>`';

export const ticketsQueue = define('tickets', 'classify', TicketJob, {
  doc: {
    producer: 'ingest (`POST /v1/tickets`)',
    consumer: 'classifier',
    payload: 'the ticket; how often a 429 put it back to wait',
    jobId: TICKET_JOB_ID,
  },
});

export const decisionsQueue = define('decisions', 'route', DecisionJob, {
  doc: {
    producer: 'classifier',
    consumer: 'escalation',
    payload: 'the ticket and its decision record',
    jobId: TICKET_JOB_ID,
  },
});

/** BullMQ: a lower number runs (here: is listed) earlier. */
const REVIEW_PRIORITY: Record<Priority, number> = { high: 1, medium: 2, low: 3 };

export const humanReviewQueue = define('human-review', 'review', RoutedTicket, {
  // Reviewers see high priority first; a ticket with no machine priority, or one the pipeline gave
  // up on, is treated as urgent.
  priority: {
    of: (routed) =>
      routed.route.reasons.includes(REASON.pipelineFailed)
        ? REVIEW_PRIORITY.high
        : REVIEW_PRIORITY[routed.record.decision?.priority ?? 'high'],
    describe: 'high 1, medium 2, low 3; no machine priority or `pipeline_failed`: 1',
  },
  doc: {
    producer: 'escalation (escalated tickets), dead letter (tickets the pipeline gave up on)',
    consumer: 'review desk (people)',
    readByPeople: true,
    outsideFleet: 'people, at the review desk',
    payload: 'the ticket, its decision record and route (reasons)',
    jobId: TICKET_JOB_ID,
  },
});

/** Signed webhook POSTs to teams that configured one; the secret stays in config, never in Redis. */
export const webhooksQueue = define('team-webhooks', 'deliver', RoutedTicket, {
  // A receiver that is down for a while is retried for minutes before dead letter.
  policy: retrying(8, { type: 'exponential', delayMs: 2_000 }),
  doc: {
    producer: 'escalation, review desk (teams with a webhook)',
    consumer: 'escalation (signed POST to the team)',
    payload: 'the routed ticket',
    jobId: TICKET_JOB_ID,
    overrides: '`WEBHOOK_ATTEMPTS`, `WEBHOOK_BACKOFF_MS`',
  },
});

export const deadLetterQueue = define('dead-letter', 'dead', DeadLetterJob, {
  doc: {
    producer: 'any worker, after a job’s last attempt',
    consumer: '`ops dead-letter list | replay` (people)',
    readByPeople: true,
    outsideFleet: 'people: the dashboard’s dead-letter page or `ops dead-letter replay`',
    payload: 'source queue, job name and id, the payload, error, attempts made',
    jobId: '`<queue>--<job id>`',
  },
});

/**
 * Fed by one job scheduler, so however many drift processes run, each period runs once. A provider
 * outage during the check is retried over the following hours, not in a tight loop, whether the job
 * came from the schedule or from `ops drift run`.
 */
export const driftQueue = define('drift', 'check', DriftJob, {
  policy: retrying(4, { type: 'exponential', delayMs: 15 * 60_000 }),
  scheduler: {
    data: { trigger: 'schedule' },
    describe: '`DRIFT_CRON` in `DRIFT_TIMEZONE`, Monday 06:00 UTC by default',
  },
  doc: {
    producer: '`ops drift run`',
    consumer: 'drift',
    payload: '`trigger`: schedule or manual',
    jobId: 'the scheduler’s; `manual-<millis>`',
  },
});

/**
 * Fed by one job scheduler, so the fleet retrains once per period however many drift processes run.
 * A failed run (out of memory, a bad row) is retried twice over the next hour; the champion stays in
 * the registry whatever happens.
 */
export const retrainQueue = define('retrain', 'retrain', RetrainJob, {
  policy: retrying(3, { type: 'exponential', delayMs: 10 * 60_000 }),
  scheduler: {
    data: { trigger: 'schedule' },
    describe: '`RETRAIN_CRON` in `RETRAIN_TIMEZONE`, daily 03:00 UTC by default',
  },
  doc: {
    producer: '`ops retrain`',
    consumer: 'drift (trains a challenger, promotes it only when it is not worse)',
    payload: '`trigger`: schedule or manual',
    jobId: 'the scheduler’s; `manual-<millis>`',
  },
});

/** Ten attempts from 10 s doubling: an alert outlasts a Slack incident of a few hours before dead letter. */
export const alertsQueue = define('alerts', 'post', AlertJob, {
  policy: retrying(10, { type: 'exponential', delayMs: 10_000 }),
  doc: {
    producer: 'drift',
    consumer: 'drift (posts to Slack)',
    payload: 'channel, text, kind',
    jobId: '`alert-<kind>-<key>`',
  },
});

/**
 * The live guard's judgments. A spot check calls the next tier up, so a provider outage is retried
 * over an hour and a half before dead letter; nothing waits on these jobs, and a lost one costs one
 * judgment, never a ticket.
 */
export const tierChecksQueue = define('tier-checks', 'judge', TierCheckJob, {
  policy: retrying(8, { type: 'exponential', delayMs: 30_000 }),
  doc: {
    producer: 'classifier (a sampled share of what the local and cheap tiers routed), ingest feedback, review desk',
    consumer: 'classifier (asks the next tier up; the live guard)',
    payload: 'spot check: the ticket and the answer checked; ground truth: the answer and what a person set',
    jobId: '`spot-<ticket id>`, `truth-<source>-<ticket id>`',
  },
});

export type TeamQueueDef = QueueDef<'ticket', typeof RoutedTicket>;
const teamQueues = Object.fromEntries(
  TEAMS.map((team) => [
    team,
    define(`team-${team.replaceAll('_', '-')}`, 'ticket', RoutedTicket, {
      doc: {
        producer: 'escalation, review desk',
        consumer: 'the team’s own tools',
        payload: 'the routed ticket',
        jobId: TICKET_JOB_ID,
        family: '`team-<team>`',
        outsideFleet: 'the team’s own tools',
      },
    }),
  ]),
) as Record<Team, TeamQueueDef>;

/** The queue a team's tools consume. One per team so that each team drains at its own pace. */
export const teamQueue = (team: Team): TeamQueueDef => teamQueues[team];

export type WriteBackQueueDef = QueueDef<'write-back', typeof RoutedTicket>;
const PRODUCT: Record<Connector, string> = { zendesk: 'Zendesk', zammad: 'Zammad' };
const writeBackQueues = Object.fromEntries(
  CONNECTORS.map((connector) => [
    connector,
    // One queue per connector, so a product's 429 holds only its own deliveries (BullMQ's rate limit
    // is per queue). A helpdesk that is down for a while is retried for about ten minutes: 5 s doubling.
    define(`${connector}-writeback`, 'write-back', RoutedTicket, {
      policy: retrying(8, { type: 'exponential', delayMs: 5_000 }),
      doc: {
        producer: 'escalation, review desk (tickets that came in through the connector)',
        consumer: `escalation (${PRODUCT[connector]} REST API: group, priority, tags, internal note)`,
        payload: 'the routed ticket',
        jobId: '`t-<ticket id>`; a person’s answer `t-<ticket id>-human`',
      },
    }),
  ]),
) as Record<Connector, WriteBackQueueDef>;

/** The queue of a connector's write-backs: each final decision applied to the ticket in its helpdesk. */
export const writeBackQueue = (connector: Connector): WriteBackQueueDef => writeBackQueues[connector];

/**
 * One write-back per decision: the machine's, and a person's answer from the review desk after it. Connector
 * ticket ids end in digits, so the suffix cannot collide with another ticket's id.
 */
export const writeBackJobId = (ticketId: string, byPerson: boolean): string =>
  `${jobIdForTicket(ticketId)}${byPerson ? '-human' : ''}`;

/** Every queue of the fleet, for dashboards, metrics, clean-up and the README's queue table. */
export const allQueueDefs = (): QueueDef<string, z.ZodType>[] => [
  ticketsQueue,
  decisionsQueue,
  humanReviewQueue,
  webhooksQueue,
  deadLetterQueue,
  driftQueue,
  retrainQueue,
  alertsQueue,
  tierChecksQueue,
  ...TEAMS.map(teamQueue),
  ...CONNECTORS.map(writeBackQueue),
];

/** BullMQ rejects integer-looking and `:`-containing job ids; ticket ids allow neither prefix nor colon. */
export const jobIdForTicket = (ticketId: string): string => `t-${ticketId}`;
export const ticketIdFromJobId = (jobId: string): string => jobId.replace(/^t-/, '');
