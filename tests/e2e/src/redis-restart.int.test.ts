import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClassifierStack, REPO_PATHS, ClassifierConfig, startClassifier } from '@switchboard/classifier';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { buildIngestServer } from '@switchboard/ingest';
import { openFleetContext, openQueue, ticketsQueue, type FleetContext } from '@switchboard/queues';
import {
  freePort,
  startFakeOpenAI,
  startRedisServer,
  testLogger,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { destinations, postJson } from './fleet-harness.js';
import { scenarioResponder } from './scenario.js';

const KEY = 'restart-key-0123456789abcdef';
const PROMPT = REPO_PATHS.prompt;

describe('Redis restarts (AOF everysec) while tickets arrive', () => {
  const logger = testLogger('restart');
  const prefix = 'restart';
  let dir: string;
  let port: number;
  let redis: ChildProcess;
  let fake: FakeProvider;
  let producer: FleetContext;
  let worker: FleetContext;
  let base: string;
  let closeAll: () => Promise<void>;

  const startRedis = () =>
    startRedisServer(port, [
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-aof-'));
    port = await freePort();
    redis = await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    fake = await startFakeOpenAI((req) => ({ ...scenarioResponder(req), delayMs: 5 }));
    producer = await openFleetContext({ redisUrl: url, prefix, role: 'producer', logger, retentionDays: 8 });
    worker = await openFleetContext({
      redisUrl: url,
      prefix,
      role: 'worker',
      logger,
      retentionDays: 8,
      locks: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
    });
    const tickets = openQueue(ticketsQueue, producer.ctx);
    const server = buildIngestServer({
      apiKeys: [KEY],
      tickets,
      store: producer.store,
      redis: producer.redis,
      logger,
      redisTimeoutMs: 1_000,
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 4,
      backoffBaseMs: 5,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
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
      onExhausted: worker.deadLetter,
    });
    closeAll = async () => {
      await server.close();
      await classifier.close();
      await escalation.close();
      await tickets.close();
      await producer.close();
      await worker.close();
      await fake.close();
    };
  });
  afterAll(async () => {
    await closeAll();
    redis.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'loses no accepted ticket: 503 while Redis is away, then everything accepted ends once',
    { timeout: 120_000 },
    async () => {
      const accepted: string[] = [];
      const statuses: number[] = [];
      let n = 0;
      let sending = true;
      const sender = (async () => {
        while (sending) {
          const id = `r-${++n}`;
          const res = await postJson(`${base}/v1/tickets`, KEY, {
            id,
            body: `How do I export report ${n} to CSV?`,
          }).catch(() => ({ status: 0, json: null }));
          statuses.push(res.status);
          if (res.status === 202) accepted.push(id);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await waitFor(() => (accepted.length >= 40 ? true : undefined), 20_000, '40 accepted tickets');

      // A clean restart: Redis writes its append-only file and comes back from it.
      const exited = once(redis, 'exit');
      redis.kill('SIGTERM');
      await exited;
      await waitFor(
        () => (statuses.slice(-3).every((s) => s === 503) && statuses.length > 3 ? true : undefined),
        10_000,
        'ingest to answer 503',
      );
      redis = await startRedis();
      await waitFor(() => (statuses.at(-1) === 202 ? true : undefined), 20_000, 'ingest to accept again by itself');
      await waitFor(() => (accepted.length >= 120 ? true : undefined), 30_000, 'more tickets after the restart');
      sending = false;
      await sender;

      expect(statuses).toContain(503);
      expect(statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);
      const ended = async (): Promise<number> =>
        (await Promise.all(accepted.map((id) => worker.store.status(id)))).filter(
          (s) => s === 'routed' || s === 'escalated',
        ).length;
      await waitFor(
        async () => ((await ended()) === accepted.length ? true : undefined),
        60_000,
        'every accepted ticket to end',
      );
      const where = await destinations(worker.redis, prefix);
      const twice = accepted.filter((id) => (where.get(id) ?? []).length !== 1);
      expect(twice).toEqual([]);
    },
  );
});
