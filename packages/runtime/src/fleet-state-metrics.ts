import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { cachedScrapeRead } from './scrape-cache.js';

/** Job counts per queue and state, as BullMQ's getJobCounts reports them. */
export interface QueueDepth {
  queue: string;
  counts: Readonly<Record<string, number>>;
}

export interface FleetState {
  queues: readonly QueueDepth[];
  /** Jobs waiting in the dead-letter queue for a person to look at or replay. */
  deadLetterJobs: number;
}

export interface FleetStateOptions {
  /** Reads within this many ms of the last one reuse it; 5 s, below any sensible scrape interval. */
  maxAgeMs?: number;
  log: Logger;
  now?: () => number;
}

/**
 * Queue depths and dead letters, read from Redis when Prometheus scrapes rather than on every job:
 * the hot path stays free of extra round trips. These figures are the same whichever process reads
 * them, so only the processes asked to (drift, by default) register them; N workers each reading
 * every queue on every scrape would be N times the load for the same numbers.
 */
export function exportFleetState(registry: Registry, read: () => Promise<FleetState>, opts: FleetStateOptions): void {
  const current = cachedScrapeRead(read, {
    maxAgeMs: opts.maxAgeMs ?? 5_000,
    log: opts.log,
    now: opts.now,
    what: 'queue depths',
  });
  const registers = [registry];
  new Gauge({
    name: 'switchboard_queue_jobs',
    help: 'Jobs in each queue by state (waiting, prioritized, active, delayed, failed), read from Redis at scrape time; absent when the read failed.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const state = await current();
      this.reset();
      for (const q of state?.queues ?? [])
        for (const [s, n] of Object.entries(q.counts)) this.set({ queue: q.queue, state: s }, n);
    },
  });
  new Gauge({
    name: 'switchboard_dead_letter_jobs',
    help: 'Jobs held in the dead-letter queue (list and replay them with `npm run ops -- dead-letter`); NaN when the read failed.',
    registers,
    async collect() {
      const state = await current();
      this.set(state ? state.deadLetterJobs : Number.NaN);
    },
  });
  new Gauge({
    name: 'switchboard_fleet_state_up',
    help: '1 when the last read of queue depths from Redis succeeded, 0 when it failed.',
    registers,
    async collect() {
      this.set((await current()) ? 1 : 0);
    },
  });
}
