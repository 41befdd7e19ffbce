import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftQueue, openFleetContext, type FleetContext } from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { alertsProducer, type Alerts } from './alerts.js';
import { DriftConfig } from './config.js';
import { startDrift, type DriftService } from './service.js';
import { startDriftRig, type DriftRig } from './testing/drift-rig.js';

describe('the drift job scheduler', () => {
  let prefix: string;
  let rig: DriftRig;
  const fleets: FleetContext[] = [];
  const services: DriftService[] = [];
  const alerts: Alerts[] = [];

  beforeAll(async () => {
    prefix = uniquePrefix('drift-sched');
    rig = await startDriftRig(5);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await Promise.all(alerts.map((a) => a.close()));
    await Promise.all(fleets.map((f) => f.close()));
    await rig.close();
    await dropPrefix(prefix);
  });

  it('fires once per period with two drift processes running', async () => {
    // Every second, so a few seconds hold several periods; each "process" has its own connections.
    const config = DriftConfig.parse({
      reportDir: join(rig.dir, 'reports'),
      cron: '*/1 * * * * *',
      timezone: 'Europe/Istanbul',
    });
    const runs: { process: number; jobId: string; period: number }[] = [];
    for (const n of [1, 2]) {
      const fleet = await openFleetContext({
        redisUrl: TEST_REDIS_URL,
        prefix,
        role: 'worker',
        logger: testLogger(),
        retentionDays: 8,
      });
      fleets.push(fleet);
      const a = alertsProducer(fleet.ctx, { channel: undefined, attempts: 1, backoffMs: 10, log: testLogger() });
      alerts.push(a);
      services.push(
        await startDrift(config, {
          ctx: fleet.ctx,
          evaluate: () => rig.evaluateCheap(),
          baselinePath: join(rig.dir, 'none.json'),
          strongModel: null,
          fallback: fleet.fallback,
          stats: fleet.stats,
          alerts: a,
          log: testLogger(),
          onExhausted: fleet.deadLetter,
          // The scheduler names each job after the period it stands for: repeat:<scheduler>:<millis>.
          onResult: (_r, job) =>
            runs.push({ process: n, jobId: job.id ?? '', period: Number(job.id?.split(':').at(-1)) }),
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 5_500));
    await Promise.all(services.map((s) => s.worker.pause()));

    const first = fleets[0];
    if (!first) throw new Error('no drift process started');
    const q = new Queue(driftQueue.queueName, { connection: first.redis, prefix });
    expect(await q.getJobSchedulers()).toHaveLength(1);
    await q.close();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(7);
    expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
    const periods = runs.map((r) => r.period).sort((a, b) => a - b);
    expect(new Set(periods).size).toBe(periods.length);
    // Consecutive seconds: no period skipped while both processes were up.
    periods.slice(1).forEach((p, i) => expect(p - (periods[i] ?? 0)).toBe(1000));
  }, 30_000);
});
