import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClassifierStack, REPO_PATHS, ClassifierConfig, startClassifier } from '@switchboard/classifier';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
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
  freePort,
  startFakeOpenAI,
  startRedisServer,
  stopRedisServer,
  testLogger,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { destinations, fakeModelTier } from './fleet-harness.js';
import { buildScenario, CHEAP, expectedRoute, scenarioResponder, STRONG } from './scenario.js';

const run = promisify(execFile);
const PROMPT = REPO_PATHS.prompt;
// A hash tag: every key of the fleet lands in one slot, so Lua scripts and MULTI stay on one node.
const PREFIX = '{sbc}';

describe('the pipeline on a Redis Cluster of three local masters', () => {
  const logger = testLogger('cluster');
  let dir: string;
  const nodes: ChildProcess[] = [];
  let ports: number[] = [];
  let fake: FakeProvider;
  let producer: FleetContext;
  let worker: FleetContext;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-cluster-'));
    ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports)
      nodes.push(
        await startRedisServer(port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--dir',
          dir,
        ]),
      );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node, not just the first: a client that asks a node still learning the slot map is refused.
    for (const port of ports) {
      await waitFor(
        async () =>
          (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).stdout.includes('cluster_state:ok')
            ? true
            : undefined,
        20_000,
        `cluster_state:ok on ${port}`,
      );
    }
    const url = `redis://127.0.0.1:${ports[0]}`;
    fake = await startFakeOpenAI(scenarioResponder);
    // A loaded CI machine can take more than the default 10 s to hand a new cluster's slot map around.
    producer = await openFleetContext({
      redisUrl: url,
      prefix: PREFIX,
      role: 'producer',
      logger,
      retentionDays: 8,
      cluster: true,
      connectTimeoutMs: 30_000,
    });
    worker = await openFleetContext({
      redisUrl: url,
      prefix: PREFIX,
      role: 'worker',
      logger,
      retentionDays: 8,
      cluster: true,
      connectTimeoutMs: 30_000,
    });
    const model = (name: string, threshold: number) => fakeModelTier(fake.url, name, threshold);
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 8,
      backoffBaseMs: 5,
      cheap: model(CHEAP, 0.75),
      strong: model(STRONG, 0),
      circuitBreaker: { failures: 1_000_000 },
    });
    const classifier = startClassifier(config, {
      ctx: worker.ctx,
      store: worker.store,
      tiers: (await openClassifierStack({ config }, { logger })).tiers,
      onExhausted: worker.deadLetter,
    });
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: worker.ctx,
      store: worker.store,
      stats: worker.stats,
      onExhausted: worker.deadLetter,
    });
    closeAll = async () => {
      await classifier.close();
      await escalation.close();
      await producer.close();
      await worker.close();
      await fake.close();
    };
  }, 120_000);
  afterAll(async () => {
    await closeAll?.();
    for (const n of nodes) await stopRedisServer(n);
    await rm(dir, { recursive: true, force: true });
  });

  it('routes every ticket exactly once, with the hash-tagged prefix', async () => {
    const scenario = buildScenario('cluster', {
      hotword: 10,
      critical: 10,
      cheap: 40,
      'cheap-unsure': 10,
      'cheap-invalid': 5,
      'high-unsure': 5,
      'all-down': 5,
      injection: 5,
    });
    const tickets = openQueue(ticketsQueue, producer.ctx);
    await acceptTickets(
      scenario.map((t) => t.input),
      { tickets, store: producer.store, now: () => new Date() },
    );
    await tickets.close();
    const ended = async (): Promise<number> =>
      (await Promise.all(scenario.map((t) => worker.store.status(t.input.id)))).filter(
        (s) => s === 'routed' || s === 'escalated',
      ).length;
    await waitFor(async () => ((await ended()) === scenario.length ? true : undefined), 60_000, 'every ticket to end');
    const where = await destinations(worker.redis, PREFIX);
    const problems = scenario.flatMap((t) => {
      const exp = expectedRoute(t);
      const want = exp.escalated ? humanReviewQueue.queueName : teamQueue(exp.team as never).queueName;
      const places = where.get(t.input.id) ?? [];
      return places.length === 1 && places[0] === want
        ? []
        : [`${t.input.id}: [${places.join(', ')}] expected ${want}`];
    });
    expect(problems).toEqual([]);
  });
});
