import type { JobsOptions } from 'bullmq';

/** How often a job is tried and how long BullMQ waits between tries. */
export interface RetryPolicy {
  attempts: number;
  /** The wait before the second attempt; `exponential` doubles it before each further one. */
  backoff: { type: 'exponential' | 'fixed'; delayMs: number };
}

/** What every job of a queue gets, whoever adds it. */
export interface JobPolicy extends RetryPolicy {
  /** Completed and failed jobs are kept at most this long and at most this many, per queue. */
  retention: { days: number; count: number };
}

/**
 * A deployment's change to a queue's retry policy (an env variable such as WEBHOOK_ATTEMPTS), applied
 * by the producer that opens the queue; absent fields keep the catalog's value.
 */
export interface RetryOverride {
  attempts?: number | undefined;
  backoffDelayMs?: number | undefined;
}

/**
 * Completed and failed jobs are kept long enough for job-id de-duplication and inspection, never
 * forever, and never longer than a ticket record (at least MIN_RECORD_RETENTION_DAYS): a job that
 * outlived its record would make a re-sent ticket id a silent no-op.
 */
export const JOB_RETENTION_DAYS = 7;
export const MIN_RECORD_RETENTION_DAYS = JOB_RETENTION_DAYS + 1;
const RETENTION = { days: JOB_RETENTION_DAYS, count: 100_000 } as const;

/** The pipeline's policy: a worker crash or a brief Redis blip is retried within seconds. */
export const STANDARD_POLICY: JobPolicy = {
  attempts: 5,
  backoff: { type: 'exponential', delayMs: 1_000 },
  retention: RETENTION,
};

/** A policy with STANDARD_POLICY's retention and its own retries. */
export const retrying = (attempts: number, backoff: RetryPolicy['backoff']): JobPolicy => ({
  attempts,
  backoff,
  retention: RETENTION,
});

export function withOverride(policy: JobPolicy, override: RetryOverride = {}): JobPolicy {
  return {
    ...policy,
    attempts: override.attempts ?? policy.attempts,
    backoff: { ...policy.backoff, delayMs: override.backoffDelayMs ?? policy.backoff.delayMs },
  };
}

/** The policy in BullMQ's terms, for a queue's `defaultJobOptions`. */
export function jobsOptionsOf(policy: JobPolicy): JobsOptions {
  const keep = { age: policy.retention.days * 24 * 3600, count: policy.retention.count };
  return {
    attempts: policy.attempts,
    backoff: { type: policy.backoff.type, delay: policy.backoff.delayMs },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

/** The standard policy in BullMQ's terms (the bench's bare BullMQ chain uses it too). */
export const DEFAULT_JOB_OPTIONS: JobsOptions = jobsOptionsOf(STANDARD_POLICY);
