import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadLetterQueue,
  driftQueue,
  inspectQueue,
  openFleetContext,
  openQueue,
  type FleetContext,
} from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { alertsProducer, type Alerts } from './alerts.js';
import { DriftConfig } from './config.js';
import { requestDriftCheck, startDrift, type DriftService } from './service.js';
import { startDriftRig, type DriftRig } from './testing/drift-rig.js';

const FIFTEEN_MINUTES = 15 * 60_000;

describe('ops drift run during a provider outage', () => {
  let prefix: string;
  let rig: DriftRig;
  let fleet: FleetContext;
  let alerts: Alerts;
  let service: DriftService;
  const config = (dir: string) => DriftConfig.parse({ reportDir: join(dir, 'reports'), schedulerId: 'weekly-drift' });

  beforeAll(async () => {
    prefix = uniquePrefix('drift-manual');
    rig = await startDriftRig(5);
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
    alerts = alertsProducer(fleet.ctx, { channel: undefined, log: testLogger() });
    service = await startDrift(config(rig.dir), {
      ctx: fleet.ctx,
      evaluate: () => rig.evaluateCheap(),
      baselinePath: join(rig.dir, 'none.json'),
      strongModel: null,
      fallback: fleet.fallback,
      stats: fleet.stats,
      alerts,
      log: testLogger(),
      onExhausted: fleet.deadLetter,
    });
  });
  afterAll(async () => {
    await service.close();
    await alerts.close();
    await fleet.close();
    await rig.close();
    await dropPrefix(prefix);
  });

  it('retries the manual check 15 minutes later, with the scheduled check’s policy, instead of dead-lettering it', async () => {
    rig.outage(true);
    const id = await requestDriftCheck(fleet.ctx);
    const drift = inspectQueue(driftQueue, fleet.ctx);
    const dead = inspectQueue(deadLetterQueue, fleet.ctx);
    const scheduler = openQueue(driftQueue, fleet.ctx);
    try {
      // The first attempt found the provider down and failed; the job now waits for its next attempt.
      const retry = await waitFor(
        async () => {
          const entry = await drift.get(id);
          return entry && entry.job.attemptsMade === 1 && (await entry.job.getState()) === 'delayed'
            ? entry.job
            : undefined;
        },
        20_000,
        'the manual drift job to fail once and wait for a retry',
      );
      expect(retry.failedReason).toMatch(/provider unavailable.*retried later/);
      expect(retry.delay).toBe(FIFTEEN_MINUTES);
      expect(retry.opts).toMatchObject({ attempts: 4, backoff: { type: 'exponential', delay: FIFTEEN_MINUTES } });
      expect(await dead.counts('waiting')).toEqual({ waiting: 0 });

      const scheduled = await scheduler.queue.getJobScheduler('weekly-drift');
      expect(scheduled?.template?.opts).toMatchObject({
        attempts: retry.opts.attempts,
        backoff: retry.opts.backoff,
        removeOnComplete: retry.opts.removeOnComplete,
        removeOnFail: retry.opts.removeOnFail,
      });
    } finally {
      rig.outage(false);
      await Promise.all([drift.close(), dead.close(), scheduler.close()]);
    }
  }, 30_000);
});
