import type { Job } from 'bullmq';
import type { z } from 'zod';
import { DecisionRecord, REASON, Ticket, type Team } from '@switchboard/core';
import {
  deadLetterQueue,
  decisionsQueue,
  humanReviewQueue,
  ticketIdFromJobId,
  ticketsQueue,
  type QueueDef,
} from './definitions.js';
import { openQueue, type QueueContext } from './factory.js';
import type { DeadLetterJob, RoutedTicket } from './payloads.js';
import type { TicketStore } from './ticket-store.js';

/** Queues whose failure means the ticket never reached a team or a human. */
const PIPELINE_QUEUES: ReadonlySet<string> = new Set([ticketsQueue.queueName, decisionsQueue.queueName]);

/** Dead-letter ids name their source queue so one ticket failing in two queues keeps both copies. */
export const deadLetterId = (queueName: string, jobId: string): string => `${queueName}--${jobId}`;

/** What a human sees for a ticket the pipeline gave up on: whatever the classifier had decided, if anything. */
function pipelineFailure(data: unknown, error: string): RoutedTicket | undefined {
  const payload = (typeof data === 'object' && data !== null ? data : {}) as { ticket?: unknown; record?: unknown };
  const ticket = Ticket.safeParse(payload.ticket);
  if (!ticket.success) return undefined;
  const prior = DecisionRecord.safeParse(payload.record);
  const now = new Date().toISOString();
  const record: DecisionRecord = prior.success
    ? { ...prior.data, failureReasons: [...prior.data.failureReasons, REASON.pipelineFailed] }
    : {
        outcome: 'failed',
        tier: null,
        model: null,
        promptVersion: null,
        decision: null,
        raw: null,
        criticalKeyword: null,
        failureReasons: [REASON.pipelineFailed],
        notes: [error.slice(0, 200)],
        attempts: [],
        totals: { latencyMs: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
        decidedAt: now,
      };
  const team: Team = record.decision?.team ?? 'triage';
  return {
    ticket: ticket.data,
    record,
    route: { team, via: 'human', escalated: true, reasons: [REASON.pipelineFailed] },
    routedAt: now,
  };
}

/**
 * For jobs that used their last attempt: a copy goes to the dead-letter queue with its error, and a
 * ticket the pipeline gave up on goes to human review (reason `pipeline_failed`), so every accepted
 * ticket still ends with a team or a person. A delivery failure (webhook) leaves the routed ticket
 * routed and notes the error. `close()` waits for writes in flight.
 */
export function deadLetterWriter(
  ctx: QueueContext,
  store: TicketStore,
): { write: (job: Job, err: Error) => Promise<void>; close: () => Promise<void> } {
  const dlq = openQueue(deadLetterQueue, ctx);
  const review = openQueue(humanReviewQueue, ctx);
  const inFlight = new Set<Promise<void>>();

  const writeOne = async (job: Job, err: Error): Promise<void> => {
    const jobId = job.id ?? 'unknown';
    const failedAt = new Date().toISOString();
    await dlq.add(deadLetterId(job.queueName, jobId), {
      queue: job.queueName,
      jobName: job.name,
      jobId,
      data: job.data as unknown,
      error: err.message,
      attemptsMade: job.attemptsMade,
      failedAt,
    });
    ctx.metrics?.deadLettered(job.queueName);
    if (jobId.startsWith('t-')) {
      const ticketId = ticketIdFromJobId(jobId);
      const error = `${job.queueName}: ${err.message}`;
      if (!PIPELINE_QUEUES.has(job.queueName)) {
        await store.note(ticketId, { deliveryError: error });
      } else {
        const routed = pipelineFailure(job.data, error);
        if (routed) {
          const { route: stored } = await store.claimRoute(ticketId, JSON.stringify(routed.route));
          // Only if no route was stored before: a ticket already delivered must not also reach a human.
          const ours = stored === JSON.stringify(routed.route);
          if (ours) {
            await review.add(jobId, routed);
            ctx.metrics?.routed(routed.route);
          }
          const escalated = ours || (JSON.parse(stored) as { escalated?: boolean }).escalated === true;
          await store.advance(ticketId, escalated ? 'escalated' : 'routed', { error, finishedAt: failedAt });
        } else {
          await store.advance(ticketId, 'failed', { error, finishedAt: failedAt });
        }
      }
    }
    ctx.logger.error({ queue: job.queueName, jobId, err }, 'job dead-lettered');
  };

  return {
    write(job, err) {
      const p = writeOne(job, err).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      await Promise.all([dlq.close(), review.close()]);
    },
  };
}

export interface ReplayResult {
  replayed: string[];
  missing: string[];
  /** Pipeline failures a person already picked up from human review: replaying them would route twice. */
  skipped: string[];
}

/**
 * Puts dead-lettered jobs back on their source queue under their original id. The dead-letter entry
 * is taken off first, so a replay that fails again lands there anew instead of vanishing; a pipeline
 * failure's waiting human-review copy is withdrawn so the ticket ends in one place.
 */
export async function replayDeadLetters(
  ctx: QueueContext,
  store: TicketStore,
  defs: readonly QueueDef<string, z.ZodType>[],
  ids?: readonly string[],
): Promise<ReplayResult> {
  const dlq = openQueue(deadLetterQueue, ctx).queue;
  const review = openQueue(humanReviewQueue, ctx).queue;
  const result: ReplayResult = { replayed: [], missing: [], skipped: [] };
  try {
    const jobs = ids
      ? await Promise.all(ids.map(async (id) => ({ id, job: await dlq.getJob(id) })))
      : (await dlq.getJobs(['waiting', 'prioritized', 'delayed', 'completed', 'failed'])).map((job) => ({
          id: job.id ?? '',
          job,
        }));
    for (const { id, job } of jobs) {
      const parsed = job ? deadLetterQueue.schema.safeParse(job.data) : undefined;
      const def = parsed?.success ? defs.find((d) => d.queueName === parsed.data.queue) : undefined;
      if (!job || !parsed?.success || !def) {
        result.missing.push(id);
        continue;
      }
      const dead: DeadLetterJob = parsed.data;
      const pipeline = dead.jobId.startsWith('t-') && PIPELINE_QUEUES.has(dead.queue);
      if (pipeline) {
        const reviewJob = await review.getJob(dead.jobId);
        const state = reviewJob ? await reviewJob.getState() : undefined;
        if (reviewJob && state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') {
          result.skipped.push(id);
          continue;
        }
        await reviewJob?.remove();
        await store.reopen(ticketIdFromJobId(dead.jobId));
      }
      await job.remove();
      const source = openQueue(def, ctx).queue;
      try {
        const original = await source.getJob(dead.jobId);
        if (original && (await original.isFailed())) await original.retry('failed');
        else {
          await original?.remove();
          await source.add(dead.jobName, dead.data, { jobId: dead.jobId });
        }
      } finally {
        await source.close();
      }
      result.replayed.push(id);
    }
  } finally {
    await Promise.all([dlq.close(), review.close()]);
  }
  return result;
}
