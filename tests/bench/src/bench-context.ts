import type { Logger } from '@switchboard/runtime';
import type { Corpus } from './tickets.js';
import type { ResultRow } from './table.js';

/** What every scenario gets: where Redis is, a prefix of its own to use and clean, and the tickets. */
export interface BenchContext {
  redisUrl: string;
  /** Unique per run; each scenario appends its own suffix and drops its keys when done. */
  prefix: string;
  runId: string;
  logger: Logger;
  corpus: Corpus;
  promptPath: string;
  repoRoot: string;
  /** Extra node flags for child processes (e.g. --cpu-prof while profiling). */
  childNodeFlags: string[];
  /** Multiplies ticket counts and durations; BENCH_SCALE=0.2 for a quick smoke run. */
  scale: number;
}

export interface ScenarioResult {
  rows: ResultRow[];
  /** Raw figures for the JSON report. */
  data: Record<string, unknown>;
}

/** Polls until `done()` or the timeout; resolves false on timeout rather than throwing, so a slow run still reports. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return done();
}
