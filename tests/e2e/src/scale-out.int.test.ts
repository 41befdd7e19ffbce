import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTickets } from '@switchboard/ingest';
import {
  humanReviewQueue,
  openFleetContext,
  openQueue,
  teamQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import {
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { kill, scenarioEnv, spawnApp } from './child-apps.js';
import { destinations } from './fleet-harness.js';
import { buildScenario, expectedRoute, scenarioResponder } from './scenario.js';

describe('scale-out: three classifier and three escalation processes on one Redis', () => {
  const prefix = uniquePrefix('scale');
  let fake: FakeProvider;
  let fleet: FleetContext;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // A little model latency, so that every process has work in flight at once.
    fake = await startFakeOpenAI((req, i) => ({ ...scenarioResponder(req), delayMs: 20 + (i % 4) * 10 }));
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 1,
    });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => kill(c, 'SIGTERM')));
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('share the work, and every ticket is delivered exactly once to the right place', async () => {
    const env = scenarioEnv(
      { redisUrl: TEST_REDIS_URL, prefix, providerUrl: fake.url },
      { CLASSIFIER_CONCURRENCY: '4', ESCALATION_CONCURRENCY: '4' },
    );
    for (let i = 0; i < 3; i++) children.push(spawnApp('classifier', env), spawnApp('escalation', env));
    const scenario = buildScenario('scale', {
      hotword: 30,
      critical: 30,
      cheap: 120,
      'cheap-unsure': 40,
      'cheap-invalid': 20,
      'high-unsure': 20,
      'all-down': 10,
      injection: 10,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await acceptTickets(
      scenario.map((t) => t.input),
      { tickets, store: fleet.store, now: () => new Date() },
    );
    await tickets.close();

    const finished = async (): Promise<number> =>
      (await Promise.all(scenario.map((t) => fleet.store.status(t.input.id)))).filter(
        (s) => s === 'routed' || s === 'escalated',
      ).length;
    await waitFor(
      async () => ((await finished()) === scenario.length ? true : undefined),
      90_000,
      'every ticket to finish',
    );

    const where = await destinations(fleet.redis, prefix);
    const problems: string[] = [];
    for (const t of scenario) {
      const exp = expectedRoute(t);
      const want = exp.escalated ? humanReviewQueue.queueName : teamQueue(exp.team as never).queueName;
      const places = where.get(t.input.id) ?? [];
      if (places.length !== 1 || places[0] !== want)
        problems.push(`${t.input.id}: [${places.join(', ')}] expected ${want}`);
    }
    expect(problems).toEqual([]);

    // The work was shared: completed ticket jobs name more than one worker process.
    const ticketQ = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    const done = await ticketQ.getJobs(['completed'], 0, -1);
    const workers = new Set(done.map((j) => j.processedBy).filter(Boolean));
    await ticketQ.close();
    expect(done).toHaveLength(scenario.length);
    expect(workers.size).toBeGreaterThan(1);
  });
});
