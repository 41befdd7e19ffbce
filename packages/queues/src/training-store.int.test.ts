import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { TrainingStore, type LabelSource, type TrainingRow } from './training-store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const ago = (days: number): string => new Date(NOW - days * DAY).toISOString();

const row = (ticketId: string, source: LabelSource, over: Partial<TrainingRow> = {}): TrainingRow => ({
  ticketId,
  subject: 'Invoice',
  body: `Ticket ${ticketId}: I was charged twice`,
  language: 'en',
  category: 'billing',
  priority: 'medium',
  source,
  decidedBy: { tier: 'strong', model: 'gpt-strong' },
  at: ago(30),
  ...over,
});

describe('training store', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefixes: string[] = [];
  const open = (opts: Partial<ConstructorParameters<typeof TrainingStore>[2]> = {}): TrainingStore => {
    const prefix = uniquePrefix('training');
    prefixes.push(prefix);
    return new TrainingStore(redis, prefix, {
      retentionDays: 180,
      maxRows: 1000,
      cheapConfirmDays: 7,
      clock: () => new Date(NOW),
      ...opts,
    });
  };
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(p);
    redis.disconnect();
  });

  it('a person’s label beats the strong tier’s, which beats the cheap tier’s; a late machine label never overwrites a human one', async () => {
    const store = open();
    expect(await store.record(row('p1', 'cheap', { category: 'sales' }))).toBe(true);
    expect(await store.record(row('p1', 'strong', { category: 'bug', at: ago(29) }))).toBe(true);
    expect((await store.get('p1'))?.category).toBe('bug');
    expect(await store.record(row('p1', 'human', { category: 'billing', at: ago(28) }))).toBe(true);
    // A redelivered decision, a spot check and feedback after the person: the person's label stays.
    expect(await store.record(row('p1', 'strong', { category: 'bug', at: ago(1) }))).toBe(false);
    expect(await store.record(row('p1', 'cheap_confirmed', { category: 'sales', at: ago(1) }))).toBe(false);
    expect(await store.label('p1', { category: 'other', source: 'feedback', at: ago(1) })).toBe('unchanged');
    expect(await store.get('p1')).toMatchObject({ category: 'billing', source: 'human', at: ago(28) });
    // The same label again is no change; a person changing their mind is.
    expect(await store.record(row('p1', 'human', { category: 'billing', at: ago(27) }))).toBe(false);
    expect(await store.record(row('p1', 'human', { category: 'technical', at: ago(27) }))).toBe(true);
    expect(await store.rows()).toMatchObject([{ ticketId: 'p1', category: 'technical', source: 'human' }]);
  });

  it('keeps the text of a ticket no tier labelled, so a later feedback label (which carries no text) makes it a row', async () => {
    const store = open();
    const text = {
      ticketId: 'k1',
      subject: 'Card',
      body: 'my card is blocked',
      decidedBy: { tier: 'local' as const, model: 'local-v3' },
      at: ago(2),
    };
    expect(await store.keepText(text)).toBe(true);
    expect(await store.rows()).toEqual([]);
    expect(await store.count()).toBe(0);
    expect(await store.label('nope', { category: 'billing', source: 'feedback', at: ago(1) })).toBe('no_text');
    expect(await store.label('k1', { category: 'billing', priority: 'high', source: 'feedback', at: ago(1) })).toBe(
      'changed',
    );
    expect(await store.rows()).toEqual([
      { ...text, category: 'billing', priority: 'high', source: 'feedback', at: ago(1) },
    ]);
    expect(await store.unlabelledCount()).toBe(0);
    // A kept text never replaces a labelled row.
    expect(await store.keepText({ ...text, body: 'other' })).toBe(false);
  });

  it('holds cheap rows back until cheapConfirmDays have passed without a correction', async () => {
    const store = open();
    await store.record(row('c-old', 'cheap', { at: ago(8) }));
    await store.record(row('c-new', 'cheap', { at: ago(3) }));
    await store.record(row('s-new', 'strong', { at: ago(3) }));
    await store.record(row('cc-new', 'cheap_confirmed', { at: ago(2) }));
    expect((await store.rows()).map((r) => r.ticketId)).toEqual(['c-old', 's-new', 'cc-new']);
    expect(await store.count()).toBe(4);
    // Corrected within the window: it counts at once, as the person's label.
    await store.label('c-new', { category: 'sales', source: 'feedback', at: ago(1) });
    expect((await store.rows()).map((r) => `${r.ticketId}:${r.source}`)).toEqual([
      'c-old:cheap',
      's-new:strong',
      'cc-new:cheap_confirmed',
      'c-new:feedback',
    ]);
    expect(
      (await store.rows({ from: new Date(NOW - 2.5 * DAY), sources: ['cheap_confirmed', 'feedback'] })).length,
    ).toBe(2);
    expect((await store.rows({ to: new Date(NOW - 3 * DAY) })).map((r) => r.ticketId)).toEqual(['c-old']);
  });

  it('drops rows past the retention and the oldest rows past maxRows, on write', async () => {
    const store = open({ retentionDays: 30, maxRows: 3, unlabelledDays: 5 });
    await store.record(row('r-expired', 'human', { at: ago(31) }));
    expect(await store.get('r-expired')).toBeUndefined();
    for (let i = 0; i < 5; i++) await store.record(row(`r${i}`, 'strong', { at: ago(20 - i) }));
    expect((await store.rows()).map((r) => r.ticketId)).toEqual(['r2', 'r3', 'r4']);
    expect(await store.get('r0')).toBeUndefined();
    expect(await store.count()).toBe(3);
    await store.keepText({
      ticketId: 'u-old',
      subject: '',
      body: 'x',
      decidedBy: { tier: 'local', model: null },
      at: ago(6),
    });
    await store.keepText({
      ticketId: 'u-new',
      subject: '',
      body: 'y',
      decidedBy: { tier: 'local', model: null },
      at: ago(1),
    });
    expect(await store.unlabelledCount()).toBe(1);
    expect(await store.label('u-old', { category: 'bug', source: 'human', at: ago(0) })).toBe('no_text');
    const usage = await store.usage();
    expect(usage.rows).toBe(3);
    expect(usage.bytes).toBeGreaterThan(0);
  });

  it('redacts e-mail addresses and card numbers as for models, and indexes the customer only by a hash', async () => {
    const store = open();
    const email = 'Jane.Doe@example.com';
    await store.record(
      row('x1', 'human', {
        subject: 'from jane.doe@example.com',
        body: 'card 4111 1111 1111 1111, order 1234567890123',
      }),
      email,
    );
    const stored = await store.get('x1');
    expect(stored?.subject).toBe('from [email]');
    expect(stored?.body).toBe('card [card], order 1234567890123');
    expect(await store.ticketsOfEmail('jane.doe@EXAMPLE.com ')).toEqual(['x1']);
    const keys = await redis.keys(`${prefixes.at(-1)}:*`);
    for (const k of keys) expect(k.toLowerCase()).not.toContain('jane');
    const dump = JSON.stringify(await redis.hgetall(`${prefixes.at(-1)}:training:rows`));
    expect(dump.toLowerCase()).not.toContain('jane');
  });

  it('forgets a ticket: its row and its place in the customer’s index go, and a late job cannot write it back', async () => {
    const store = open();
    await store.record(row('f1', 'strong'), 'a@example.com');
    await store.record(row('f2', 'strong'), 'a@example.com');
    expect(await store.forgetTicket('f1')).toBe(true);
    expect(await store.forgetTicket('f1')).toBe(false);
    expect(await store.get('f1')).toBeUndefined();
    expect(await store.ticketsOfEmail('a@example.com')).toEqual(['f2']);
    expect(await store.record(row('f1', 'human'), 'a@example.com')).toBe(false);
    expect(
      await store.keepText({
        ticketId: 'f1',
        subject: '',
        body: 'z',
        decidedBy: { tier: null, model: null },
        at: ago(0),
      }),
    ).toBe(false);
    expect((await store.rows()).map((r) => r.ticketId)).toEqual(['f2']);
  });
});
