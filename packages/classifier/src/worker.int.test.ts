import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPrompt } from '@switchboard/llm';
import {
  DecisionJob,
  decisionsQueue,
  jobIdForTicket,
  openFleetContext,
  openQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { ClassifierConfig } from './config.js';
import { buildTiers } from './tiers.js';
import { startClassifier, type ClassifierService } from './worker.js';

const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));

describe('classifier worker', () => {
  let prefix: string;
  let fleet: FleetContext;
  let fake: FakeProvider;
  let service: ClassifierService | undefined;
  const times: number[] = [];

  beforeEach(async () => {
    prefix = uniquePrefix('clsw');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
    times.length = 0;
    // Two 429s asking for 1 s of quiet, then a good answer.
    fake = await startFakeOpenAI((_req, i) => {
      times.push(Date.now());
      return i < 2
        ? { status: 429, headers: { 'retry-after': '1' } }
        : { content: decisionJson({ category: 'technical', priority: 'low', team: 'tech_support', confidence: 0.9 }) };
    });
  });
  afterEach(async () => {
    await service?.close();
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('waits out a 429 as Retry-After says without spending an attempt, then classifies', async () => {
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 1,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
    });
    service = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers: buildTiers(config, await loadPrompt(PROMPT)),
      onExhausted: fleet.deadLetter,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    // One attempt only: had the 429s spent attempts, this job would have failed.
    await tickets.add(
      jobIdForTicket('rl1'),
      { ticket: { id: 'rl1', body: 'How do I export my data to CSV?', receivedAt: new Date().toISOString() } },
      { attempts: 1 },
    );

    const decisions = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    const decision = await waitFor(() => decisions.getJob(jobIdForTicket('rl1')), 15_000, 'decision job');
    expect(DecisionJob.parse(decision.data).record).toMatchObject({ outcome: 'decided', tier: 'cheap' });
    expect(fake.calls).toHaveLength(3);
    const [t0 = 0, t1 = 0, t2 = 0] = times;
    expect(t1 - t0).toBeGreaterThanOrEqual(900);
    expect(t2 - t1).toBeGreaterThanOrEqual(900);
    const ticketsQ = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    expect(await (await ticketsQ.getJob(jobIdForTicket('rl1')))?.getState()).toBe('completed');
    await ticketsQ.close();
    await decisions.close();
    await tickets.close();
  });

  it('defers only the rate-limited ticket: a critical ticket behind it is not held up', async () => {
    fake.setResponder(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 1,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
    });
    service = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers: buildTiers(config, await loadPrompt(PROMPT)),
      onExhausted: fleet.deadLetter,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.add(jobIdForTicket('slow'), {
      ticket: { id: 'slow', body: 'Which plan includes SSO?', receivedAt: new Date().toISOString() },
    });
    await tickets.add(jobIdForTicket('crit'), {
      ticket: { id: 'crit', body: 'Production down for all users', receivedAt: new Date().toISOString() },
    });
    const decisions = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    const crit = await waitFor(() => decisions.getJob(jobIdForTicket('crit')), 5_000, 'critical ticket decided');
    expect(DecisionJob.parse(crit.data).record.outcome).toBe('critical');
    const ticketsQ = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    const slow = await ticketsQ.getJob(jobIdForTicket('slow'));
    expect(await slow?.getState()).toBe('delayed');
    expect(slow?.data).toMatchObject({ deferrals: 1 });
    await Promise.all([ticketsQ.close(), decisions.close(), tickets.close()]);
  });

  it('after enough 429s the ticket moves on to the next tier instead of waiting for ever', async () => {
    fake.setResponder((req) =>
      req.model === 'gpt-4o-mini'
        ? { status: 429, headers: { 'retry-after-ms': '50' } }
        : { content: decisionJson({ category: 'sales', priority: 'low', team: 'sales', confidence: 0.9 }) },
    );
    const model = (name: string, threshold: number) => ({ baseURL: fake.url, apiKey: 'k', model: name, threshold });
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      concurrency: 1,
      maxRateLimitDeferrals: 2,
      cheap: model('gpt-4o-mini', 0.75),
      strong: model('claude-opus-4-7', 0.5),
    });
    service = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers: buildTiers(config, await loadPrompt(PROMPT)),
      onExhausted: fleet.deadLetter,
    });
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.add(
      jobIdForTicket('busy'),
      { ticket: { id: 'busy', body: 'Do you have an annual plan discount?', receivedAt: new Date().toISOString() } },
      { attempts: 1 },
    );
    const decisions = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    const decided = await waitFor(() => decisions.getJob(jobIdForTicket('busy')), 10_000, 'decision after deferrals');
    expect(DecisionJob.parse(decided.data).record).toMatchObject({ outcome: 'decided', tier: 'strong' });
    // Two deferrals, then a third try on which cheap's 429 counts as unavailable.
    expect(fake.calls.filter((c) => c.model === 'gpt-4o-mini')).toHaveLength(3);
    await Promise.all([decisions.close(), tickets.close()]);
  });
});
