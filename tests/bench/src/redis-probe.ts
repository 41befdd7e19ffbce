import type { Redis } from 'ioredis';

/** Redis's own figure for the memory its data uses (INFO memory → used_memory), in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  return m?.[1] ? Number(m[1]) : Number.NaN;
}

/** Samples used_memory every `everyMs` until stopped; returns the peak seen. */
export function sampleMemory(redis: Redis, everyMs = 200): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const m = await usedMemory(redis).catch(() => 0);
      if (m > peak) peak = m;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** The 1-minute load average, noted beside every figure: the machine is shared. */
export { loadavg } from 'node:os';
