import type { Job, JobType } from 'bullmq';
import type { z } from 'zod';
import { describeZodError } from '@switchboard/core';
import type { QueueDef } from './definitions.js';
import { openBullQueue, type QueueContext } from './factory.js';

/**
 * A job as a reader sees it: its payload parsed through the queue's schema, or, for a job whose
 * payload does not match (an old producer, a hand-made job), what is wrong with it; never a throw.
 * `job` is BullMQ's own, for its state and timestamps.
 */
export type InspectedJob<T> = { id: string; job: Job } & ({ ok: true; data: T } | { ok: false; problem: string });

export interface ListOptions {
  start?: number;
  end?: number;
  /** Oldest (for prioritized jobs: most urgent) first; BullMQ's default is the reverse. */
  asc?: boolean;
}

/** Reads one declared queue for the review desk, ops, the dashboard and metrics. */
export interface QueueInspector<T> {
  readonly queueName: string;
  /** Jobs per state, one call; only the states asked for. */
  counts(...states: JobType[]): Promise<Record<string, number>>;
  /** BullMQ applies start/end to each state, so several states can return more than end - start + 1. */
  list(states: readonly JobType[], opts?: ListOptions): Promise<InspectedJob<T>[]>;
  get(jobId: string): Promise<InspectedJob<T> | undefined>;
  /** Takes the job off the queue; false when there was none, a throw when a worker holds it. */
  remove(jobId: string): Promise<boolean>;
  close(): Promise<void>;
}

export function inspectQueue<S extends z.ZodType>(
  def: QueueDef<string, S>,
  ctx: QueueContext,
): QueueInspector<z.output<S>> {
  const queue = openBullQueue(def, ctx);
  const inspect = (job: Job): InspectedJob<z.output<S>> => {
    const id = job.id ?? '';
    const parsed = def.schema.safeParse(job.data);
    return parsed.success
      ? { id, job, ok: true, data: parsed.data }
      : { id, job, ok: false, problem: describeZodError(parsed.error) };
  };
  return {
    queueName: def.queueName,
    counts: (...states) => queue.getJobCounts(...states),
    async list(states, opts = {}) {
      const jobs = await queue.getJobs([...states], opts.start ?? 0, opts.end ?? -1, opts.asc ?? false);
      // A job removed between BullMQ reading its id and its hash comes back empty.
      return jobs.filter((j): j is Job => Boolean(j)).map(inspect);
    },
    async get(jobId) {
      const job = await queue.getJob(jobId);
      return job ? inspect(job) : undefined;
    },
    async remove(jobId) {
      const job = await queue.getJob(jobId);
      // Job.remove throws when the job is locked (being worked on): that must not pass silently.
      await job?.remove();
      return Boolean(job);
    },
    close: () => queue.close(),
  };
}
