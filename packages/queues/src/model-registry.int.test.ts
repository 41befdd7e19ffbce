import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { ModelRegistry } from './model-registry.js';
import { TierGuardStore } from './tier-guard-store.js';

const info = { trainedAt: '2026-12-01T00:00:00.000Z', source: 'retrain' as const };
/** A stand-in model file: the registry stores text, it does not read models. */
const file = (v: string, pad = 0): string => JSON.stringify({ modelVersion: v, weights: 'x'.repeat(pad) });

describe('the model registry in Redis', () => {
  let redis: Redis;
  let other: Redis;
  const prefixes: string[] = [];
  const fresh = (label: string, opts?: ConstructorParameters<typeof ModelRegistry>[2]) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return { prefix, registry: new ModelRegistry(redis, prefix, opts) };
  };
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    other = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(p);
    redis.disconnect();
    other.disconnect();
  });

  it('is empty until a model is promoted; add is idempotent and keeps the status', async () => {
    const { registry } = fresh('models-empty');
    expect(await registry.currentVersion()).toBeNull();
    expect(await registry.current()).toBeNull();
    const a = await registry.put('local-a', file('local-a'), { ...info, note: 'first' });
    expect(a.created).toBe(true);
    expect(a.entry).toMatchObject({ version: 'local-a', status: 'candidate', source: 'retrain', note: 'first' });
    expect(a.entry.bytes).toBe(Buffer.byteLength(file('local-a')));
    // Adding does not make a champion.
    expect(await registry.currentVersion()).toBeNull();
    await registry.promote('local-a', 'file', 'first model');
    const again = await registry.put('local-a', file('local-a'), { ...info, source: 'file' });
    expect(again.created).toBe(false);
    expect(again.entry).toMatchObject({ status: 'champion', source: 'retrain', reason: 'first model' });
    expect(await registry.current()).toEqual({ version: 'local-a', json: file('local-a') });
  });

  it('promotes atomically, rolls back to the previous champion, and says when there is none', async () => {
    const { prefix, registry } = fresh('models-promote');
    const guardHere = new TierGuardStore(redis, prefix);
    const withGuard = new ModelRegistry(redis, prefix, { clearOnChange: guardHere.windowKeys('local') });
    for (const v of ['local-a', 'local-b', 'local-c']) await withGuard.add(v, file(v), info);
    await expect(withGuard.rollback('operator', 'nothing yet')).rejects.toThrow(/no previous champion/);
    await withGuard.promote('local-a', 'file', 'shipped');
    const at = new Date();
    await guardHere.judge({ tier: 'local', judge: 'cheap', category: 'billing', agreed: false, at }, 200);
    await withGuard.promote('local-b', 'retrain', 'better on 120 human labels');
    // The guard judges the new model afresh.
    expect(await guardHere.window('local')).toEqual({ judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } });
    // Promoting the champion again changes nothing.
    await withGuard.promote('local-b', 'retrain', 'again');
    const statuses = async () => Object.fromEntries((await registry.list()).map((e) => [e.version, e.status]));
    expect(await statuses()).toEqual({ 'local-c': 'candidate', 'local-b': 'champion', 'local-a': 'previous' });
    expect((await registry.list()).map((e) => e.version)).toEqual(['local-c', 'local-b', 'local-a']);

    await guardHere.judge({ tier: 'local', judge: 'human', category: 'billing', agreed: false, at }, 200);
    expect(await withGuard.rollback('operator', 'escalations doubled')).toBe('local-a');
    expect(await guardHere.window('local')).toEqual({ judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } });
    expect(await registry.currentVersion()).toBe('local-a');
    expect(await registry.current()).toEqual({ version: 'local-a', json: file('local-a') });
    expect(await statuses()).toEqual({ 'local-c': 'candidate', 'local-b': 'rejected', 'local-a': 'champion' });
    expect((await registry.entry('local-b'))?.reason).toBe('rolled back by operator: escalations doubled');
    await expect(registry.rollback('operator', 'again')).rejects.toThrow(/no previous champion/);

    await expect(registry.reject('local-a', 'no')).rejects.toThrow(/is the champion/);
    await expect(registry.promote('local-zz', 'operator', 'typo')).rejects.toThrow(/not in the registry/);
    await registry.reject('local-c', 'worse on recent human labels: 81% vs 88% (n=120, p=0.01)');
    expect(await registry.entry('local-c')).toMatchObject({
      status: 'rejected',
      reason: 'worse on recent human labels: 81% vs 88% (n=120, p=0.01)',
    });
    const events = await registry.events(new Date(at.getTime() - 60_000), new Date(Date.now() + 1000));
    expect(events.map((e) => [e.action, e.version, e.by, e.from])).toEqual([
      ['promote', 'local-a', 'file', undefined],
      ['promote', 'local-b', 'retrain', 'local-a'],
      ['rollback', 'local-a', 'operator', 'local-b'],
      ['reject', 'local-c', 'registry', undefined],
    ]);
    expect(await registry.events(new Date(Date.now() + 2000), new Date(Date.now() + 3000))).toEqual([]);
  });

  it('keeps the file text of the champion, the previous one and the newest `keep` others only', async () => {
    const { prefix, registry } = fresh('models-bounded', { keep: 2 });
    await registry.add('local-1', file('local-1'), info);
    await registry.promote('local-1', 'file', 'first');
    await registry.add('local-2', file('local-2'), info);
    await registry.promote('local-2', 'retrain', 'second');
    for (const v of ['local-3', 'local-4', 'local-5', 'local-6']) await registry.add(v, file(v), info);
    expect([...(await registry.storedVersions())].sort()).toEqual(['local-1', 'local-2', 'local-5', 'local-6']);
    // Metadata stays; the text is gone, and so is the way to promote it without its file.
    expect(await registry.entry('local-3')).toMatchObject({ status: 'candidate', stored: false });
    expect(await registry.get('local-3')).toBeNull();
    expect((await registry.get('local-6'))?.json).toBe(file('local-6'));
    await expect(registry.promote('local-3', 'operator', 'old one')).rejects.toThrow(/pruned/);
    // Its file given again brings it back as the newest (5 drops out of the newest two).
    await registry.add('local-3', file('local-3'), info);
    expect([...(await registry.storedVersions())].sort()).toEqual(['local-1', 'local-2', 'local-3', 'local-6']);
    await registry.promote('local-3', 'operator', 'old one');
    // Champion 3, previous 2, newest other 6; 1 is a former champion but no longer the previous one.
    expect([...(await registry.storedVersions())].sort()).toEqual(['local-2', 'local-3', 'local-6']);
    expect(await redis.hlen(`${prefix}:models:files`)).toBe(3);
  });

  it('bounds the metadata too, never dropping the champion or the previous one', async () => {
    const { registry } = fresh('models-entries', { keep: 1, maxEntries: 3 });
    await registry.add('local-0', file('local-0'), info);
    await registry.promote('local-0', 'file', 'first');
    for (let i = 1; i <= 6; i++) await registry.add(`local-${i}`, file(`local-${i}`), info);
    expect((await registry.list()).map((e) => e.version)).toEqual(['local-6', 'local-5', 'local-4', 'local-0']);
  });

  it('two promotions at once from two processes leave one champion and the other as its previous', async () => {
    const { prefix, registry } = fresh('models-race');
    const elsewhere = new ModelRegistry(other, prefix);
    for (const v of ['local-a', 'local-b', 'local-c']) await registry.add(v, file(v), info);
    await registry.promote('local-a', 'file', 'first');
    await Promise.all([
      registry.promote('local-b', 'retrain', 'nightly'),
      elsewhere.promote('local-c', 'operator', 'by hand'),
    ]);
    const champion = await registry.currentVersion();
    expect(['local-b', 'local-c']).toContain(champion);
    const loser = champion === 'local-b' ? 'local-c' : 'local-b';
    const statuses = Object.fromEntries((await registry.list()).map((e) => [e.version, e.status]));
    expect(statuses).toEqual({ [champion as string]: 'champion', [loser]: 'previous', 'local-a': 'previous' });
    // The rollback goes to the one promoted just before.
    expect(await elsewhere.rollback('operator', 'undo')).toBe(loser);
    expect(await registry.rollback('operator', 'undo')).toBe('local-a');
  });

  it('rejects a bad version name or an empty file with a clear error', async () => {
    const { registry } = fresh('models-bad');
    await expect(registry.add('has space', file('x'), info)).rejects.toThrow(/printable characters/);
    await expect(registry.add('', file('x'), info)).rejects.toThrow(/printable characters/);
    await expect(registry.add('local-x', '  ', info)).rejects.toThrow(/empty/);
    expect(await registry.list()).toEqual([]);
  });

  it('stores the shipped model file byte for byte, at about its own size in Redis memory', async () => {
    const { prefix, registry } = fresh('models-size');
    const json = await readFile(new URL('../../../models/local-default.json', import.meta.url), 'utf8');
    const version = (JSON.parse(json) as { modelVersion: string }).modelVersion;
    const entry = await registry.add(version, json, { ...info, source: 'file' });
    await registry.promote(version, 'file', 'shipped');
    expect((await registry.current())?.json).toBe(json);
    const memory = Number(await redis.memory('USAGE', `${prefix}:models:files`, 'SAMPLES', 0));
    console.log(`model ${version}: ${entry.bytes} bytes of text, files hash ${memory} bytes in Redis memory`);
    expect(entry.bytes).toBe(Buffer.byteLength(json));
    expect(memory).toBeGreaterThanOrEqual(entry.bytes);
    // The allocator rounds a value up to its size class (1.9 MB → 2 MiB), nothing more.
    expect(memory).toBeLessThan(entry.bytes * 1.2);
  });
});
