import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLetterQueue, openFleetContext, type FleetContext } from '@switchboard/queues';
import {
  dropPrefix,
  startFakeSlack,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeSlack,
} from '@switchboard/testkit';
import type { Worker } from 'bullmq';
import { alertsProducer, startAlertsWorker, type Alerts } from './alerts.js';
import { slackPoster } from './slack.js';

describe('alerts while Slack is down', () => {
  let prefix: string;
  let fleet: FleetContext;
  let slack: FakeSlack;
  let alerts: Alerts;
  let worker: Worker;

  beforeEach(async () => {
    prefix = uniquePrefix('alerts');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
    slack = await startFakeSlack();
    alerts = alertsProducer(fleet.ctx, { channel: '#ops', attempts: 3, backoffMs: 100, log: testLogger() });
    worker = startAlertsWorker(
      fleet.ctx,
      { post: slackPoster({ token: 'xoxb-t', apiUrl: slack.apiUrl, timeoutMs: 2_000 }), channel: '#ops' },
      fleet.deadLetter,
    );
  });
  afterEach(async () => {
    await worker.close();
    await alerts.close();
    await fleet.close();
    await slack.close();
    await dropPrefix(prefix);
  });

  it('retries with backoff and posts once Slack is back; the same run key posts once', async () => {
    slack.failWith(503);
    await alerts.send('drift_alert', 'accuracy fell', 'run-1');
    await alerts.send('drift_alert', 'accuracy fell', 'run-1');
    await new Promise((r) => setTimeout(r, 150));
    slack.failWith(null);
    await waitFor(() => (slack.calls.length ? true : undefined), 10_000, 'the alert after the outage');
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.map((c) => c.params.text)).toEqual(['accuracy fell']);
  });

  it('dead-letters an alert Slack never took, without blocking the next one', async () => {
    slack.failWith(500);
    await alerts.send('fallback_on', 'cheap tier off', 'run-2');
    const dlq = new Queue(deadLetterQueue.queueName, { connection: fleet.redis, prefix });
    const dead = await waitFor(
      async () => (await dlq.getJobs(['waiting', 'completed', 'active', 'delayed']))[0],
      10_000,
      'dead letter',
    );
    expect(dead.data).toMatchObject({ queue: 'alerts', attemptsMade: 3 });
    await dlq.close();
    slack.failWith(null);
    await alerts.send('fallback_off', 'cheap tier back', 'run-3');
    await waitFor(() => (slack.calls.length ? true : undefined), 10_000, 'the next alert');
    expect(slack.calls[0]?.params.text).toBe('cheap tier back');
  });
});
