import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_TABLE, type Ticket } from '@switchboard/core';
import { buildTiers, ClassifierConfig, startClassifier, startTierGuard } from '@switchboard/classifier';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { teamDelivery, TicketLifecycle } from '@switchboard/lifecycle';
import { loadPrompt } from '@switchboard/llm';
import {
  jobIdForTicket,
  openFleetContext,
  openQueue,
  tierChecksQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import { ReviewDesk, ReviewDeskConfig } from '@switchboard/review-desk';
import { createScope } from '@switchboard/runtime';
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
import { forgetCommand } from './forget.js';

const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));
const SECRET = 'zorbulax';
const EMAIL = 'Mira.Kaya@example.org';
const OTHER = 'quillomatic';

/** Every value of every key under the prefix, as text, whatever its type (and the key names). */
async function dumpPrefix(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      else value = `unread type ${type}`;
      out.set(key, `${key} ${JSON.stringify(value)}`.toLowerCase());
    }
  } while (cursor !== '0');
  return out;
}

const holding = (dump: Map<string, string>, needle: string): string[] =>
  [...dump].filter(([, v]) => v.includes(needle.toLowerCase())).map(([k]) => k);

describe('ops forget', () => {
  let prefix: string;
  let fleet: FleetContext;
  let fake: FakeProvider;
  let redis: Redis;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    prefix = uniquePrefix('forget');
    redis = new Redis(TEST_REDIS_URL);
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
    // The models quote the ticket in their rationale, as real ones do, so the raw replies hold the text.
    fake = await startFakeOpenAI((req) => {
      const body = req.ticket?.body ?? '';
      const word = body.includes(SECRET) ? SECRET : OTHER;
      const strong = req.model === 'gpt-strong';
      return {
        content: decisionJson({
          category: strong ? 'technical' : 'billing',
          priority: 'medium',
          team: strong ? 'tech_support' : 'billing_support',
          confidence: 0.95,
          escalation_required: body.includes('escalate me'),
          rationale: `the ${word} charge`,
        }),
      };
    });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('leaves no trace of the customer’s text or address in Redis, and another customer’s tickets untouched', async () => {
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-cheap', threshold: 0.75 },
      strong: { baseURL: fake.url, apiKey: 'k', model: 'gpt-strong', threshold: 0.5 },
      // Every cheap answer is spot-checked by the strong tier: the check jobs carry the ticket too.
      guard: { cheapSpotCheckRate: 1 },
    });
    const tiers = buildTiers(config, await loadPrompt(PROMPT));
    const classifier = startClassifier(config, {
      ctx: fleet.ctx,
      store: fleet.store,
      tiers,
      onExhausted: fleet.deadLetter,
    });
    closers.push(() => classifier.close());
    const guard = startTierGuard(config, {
      ctx: fleet.ctx,
      guard: fleet.guard,
      fallback: fleet.fallback,
      tiers,
      currentModel: () => 'gpt-cheap',
      training: fleet.training,
      onExhausted: fleet.deadLetter,
    });
    closers.push(() => guard.close());
    const escalation = startEscalation(EscalationConfig.parse({}), {
      ctx: fleet.ctx,
      store: fleet.store,
      stats: fleet.stats,
      pilot: fleet.pilot,
      training: fleet.training,
      onExhausted: fleet.deadLetter,
    });
    closers.push(() => escalation.close());

    // As ingest accepts them.
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    closers.push(() => tickets.close());
    const now = new Date().toISOString();
    const mine = (id: string, body: string): Ticket => ({
      id,
      subject: `About ${SECRET}`,
      body: `${body} (${SECRET}) reply to ${EMAIL}`,
      customer: { email: EMAIL, id: 'cust-1' },
      receivedAt: now,
    });
    const all: Ticket[] = [
      mine('m-1', 'I was charged twice for the plan'),
      mine('m-2', 'Please escalate me, the invoice is wrong'),
      mine('m-3', 'Another invoice question'),
      {
        id: 'o-1',
        body: `My ${OTHER} invoice is off`,
        customer: { email: 'olle@example.net' },
        receivedAt: now,
      },
    ];
    for (const t of all) {
      await fleet.store.markQueued(t.id, t.receivedAt);
      await tickets.add(jobIdForTicket(t.id), { ticket: t });
    }
    await waitFor(
      async () => {
        const done = await Promise.all(all.map((t) => fleet.store.status(t.id)));
        const checks = await redis.zcard(`${prefix}:${tierChecksQueue.queueName}:completed`);
        return done.every((s) => s === 'routed' || s === 'escalated') && checks >= 3 ? true : undefined;
      },
      20_000,
      'every ticket finished and spot-checked',
    );

    // A person resolves the escalated one (with a note quoting it); an agent's feedback labels another.
    const delivery = teamDelivery(fleet.ctx, { webhookTeams: new Set(), webhookAttempts: 1, webhookBackoffMs: 10 });
    closers.push(() => delivery.close());
    const desk = new ReviewDesk(ReviewDeskConfig.parse({}), {
      redis: fleet.redis,
      prefix,
      store: fleet.store,
      stats: fleet.stats,
      delivery,
      pilot: fleet.pilot,
      training: fleet.training,
      routing: DEFAULT_ROUTING_TABLE,
      log: testLogger(),
    });
    closers.push(() => desk.close());
    await desk.claim('m-2', 'ana');
    await desk.resolve('m-2', 'ana', {
      category: 'billing',
      team: 'billing_support',
      priority: 'high',
      note: `customer repeats ${SECRET}, wrote from ${EMAIL}`,
    });
    const lifecycle = new TicketLifecycle({
      ctx: fleet.ctx,
      store: fleet.store,
      pilot: fleet.pilot,
      training: fleet.training,
    });
    closers.push(() => lifecycle.close());
    await lifecycle.recordFeedback('m-3', {
      category: 'billing',
      team: 'billing_support',
      priority: 'low',
      receivedAt: new Date().toISOString(),
      source: 'upstream',
    });
    expect(await fleet.training.get('m-2')).toMatchObject({ source: 'human' });
    expect(await fleet.training.get('m-3')).toMatchObject({ source: 'feedback' });

    // Before: the text is in many places (the scan can find it).
    const before = await dumpPrefix(redis, prefix);
    const places = holding(before, SECRET);
    expect(places.some((k) => k.endsWith(':training:rows'))).toBe(true);
    expect(places.some((k) => k.includes(':record:m-'))).toBe(true);
    expect(places.some((k) => k.includes(':review:'))).toBe(true);
    expect(places.some((k) => k.includes(':tickets:'))).toBe(true);
    expect(places.some((k) => k.includes(':tier-checks:'))).toBe(true);
    expect(holding(before, EMAIL).length).toBeGreaterThan(0);

    const out: string[] = [];
    const scope = createScope(testLogger());
    try {
      await forgetCommand.run(['--email', EMAIL.toUpperCase()], {
        logger: testLogger(),
        scope,
        userPath: (p) => p,
        env: { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix },
        print: (t) => out.push(t),
      });
    } finally {
      await scope.closeAll();
    }
    const printed = out.join('\n');
    expect(printed).toContain('3 ticket(s): m-1 m-2 m-3');
    expect(printed).toMatch(/training store rows: 3/);
    expect(printed).toMatch(/ticket records scrubbed: 3/);
    expect(printed).toMatch(/jobs in tickets: 3/);
    expect(printed).toMatch(/review desk eval candidates: 1/);
    expect(printed).toContain('kept: daily traffic');

    const after = await dumpPrefix(redis, prefix);
    expect(holding(after, SECRET)).toEqual([]);
    expect(holding(after, EMAIL)).toEqual([]);
    // The other customer: text, training row, record and jobs as they were.
    expect(holding(after, OTHER).sort()).toEqual(holding(before, OTHER).sort());
    expect((await fleet.training.get('o-1'))?.body).toContain(OTHER);
    // The erased tickets' records remain (ids still de-duplicate), without the text.
    expect(await fleet.store.get('m-2')).toMatchObject({ status: 'escalated', resolution: { category: 'billing' } });
    expect((await fleet.store.get('m-1'))?.decision?.raw).toBeNull();
    // A late job cannot bring the text back.
    expect(
      await fleet.training.record({
        ticketId: 'm-1',
        subject: SECRET,
        body: SECRET,
        category: 'billing',
        source: 'human',
        decidedBy: { tier: 'cheap', model: null },
        at: new Date().toISOString(),
      }),
    ).toBe(false);
  });
});
