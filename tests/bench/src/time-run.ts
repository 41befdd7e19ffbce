import { waitUntil } from './bench-context.js';

/** Tickets run first and not timed: the JIT and the connection pools warm up on them. */
export const WARMUP = 300;

/**
 * Tickets per second from the first enqueue to the last finish, after the warm-up, and the CPU this
 * process spent per ticket meanwhile: on a shared machine the rate moves with the neighbours, the
 * CPU per ticket much less, so it shows where a change helped.
 */
export async function timeRun(
  enqueue: (from: number, n: number) => Promise<void>,
  done: () => number | Promise<number>,
  n: number,
  afterWarmup?: () => Promise<void>,
): Promise<{ rate: number; cpuMicrosPerTicket: number }> {
  await enqueue(0, WARMUP);
  await waitUntil(async () => (await done()) >= WARMUP, 60_000);
  await afterWarmup?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await enqueue(WARMUP, n);
  await waitUntil(async () => (await done()) >= WARMUP + n, 120_000);
  const used = process.cpuUsage(cpu);
  const finished = (await done()) - WARMUP;
  return {
    rate: finished / ((performance.now() - start) / 1000),
    cpuMicrosPerTicket: (used.user + used.system) / finished,
  };
}
