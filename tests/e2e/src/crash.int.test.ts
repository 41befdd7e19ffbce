import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTickets } from '@switchboard/ingest';
import {
  decisionsQueue,
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
import { buildScenario, CHEAP, expectedRoute, scenarioResponder } from './scenario.js';
import { destinations } from './fleet-harness.js';
import { kill, scenarioEnv, spawnApp } from './child-apps.js';

describe('workers killed with SIGKILL mid-job', () => {
  const prefix = uniquePrefix('crash');
  let fake: FakeProvider;
  let fleet: FleetContext;
  const children: ChildProcess[] = [];

  const env = (): Record<string, string> =>
    scenarioEnv(
      { redisUrl: TEST_REDIS_URL, prefix, providerUrl: fake.url },
      // Short locks so a dead worker's jobs come back within seconds, not the default 30 s.
      {
        CLASSIFIER_CONCURRENCY: '8',
        ESCALATION_CONCURRENCY: '4',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    );
  const start = (app: 'classifier' | 'escalation'): ChildProcess => {
    const child = spawnApp(app, env());
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    // Every model call takes a while, so the classifier always has jobs in flight when it is killed.
    fake = await startFakeOpenAI((req, i) => ({ ...scenarioResponder(req), delayMs: 150 + (i % 5) * 20 }));
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 1,
    });
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => kill(c, 'SIGKILL')));
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('loses no ticket and delivers none twice', async () => {
    const scenario = buildScenario('crash', {
      hotword: 20,
      critical: 20,
      cheap: 80,
      'cheap-unsure': 40,
      'cheap-invalid': 20,
      'high-unsure': 20,
      'all-down': 0,
      injection: 0,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await acceptTickets(
      scenario.map((t) => t.input),
      { tickets, store: fleet.store, now: () => new Date() },
    );
    await tickets.close();

    const ticketQ = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    const decisionQ = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    const finished = async (): Promise<number> =>
      (await Promise.all(scenario.map((t) => fleet.store.status(t.input.id)))).filter(
        (s) => s === 'routed' || s === 'escalated',
      ).length;

    let classifier = start('classifier');
    let escalation = start('escalation');
    let killedWithActive = 0;
    for (const target of [30, 90]) {
      await waitFor(
        async () => ((await finished()) >= target ? true : undefined),
        60_000,
        `${target} tickets finished`,
      );
      const active = await ticketQ.getActiveCount();
      killedWithActive += active;
      await kill(classifier, 'SIGKILL');
      await kill(escalation, 'SIGKILL');
      classifier = start('classifier');
      escalation = start('escalation');
    }
    expect(killedWithActive).toBeGreaterThan(0);

    await waitFor(
      async () => ((await finished()) === scenario.length ? true : undefined),
      90_000,
      'every ticket to finish after the crashes',
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
    // Proof the kills hit work in flight: some tickets were classified again after a crash, yet landed once.
    const callsPerTicket = new Map<string, number>();
    for (const c of fake.calls)
      if (c.model === CHEAP)
        callsPerTicket.set(c.ticket?.body ?? '', (callsPerTicket.get(c.ticket?.body ?? '') ?? 0) + 1);
    const redone = scenario.filter((t) => t.kase === 'cheap' && (callsPerTicket.get(t.input.body) ?? 0) > 1);
    expect(redone.length).toBeGreaterThan(0);
    expect((await ticketQ.getJobCounts('failed')).failed).toBe(0);
    expect((await decisionQ.getJobCounts('failed')).failed).toBe(0);
    await ticketQ.close();
    await decisionQ.close();
  });
});
