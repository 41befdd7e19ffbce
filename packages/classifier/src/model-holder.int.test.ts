import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readLabelledTickets, saveLocalModel, trainLocalModel, type TrainResult } from '@switchboard/local-model';
import { ModelRegistry } from '@switchboard/queues';
import { dropPrefix, TEST_REDIS_URL, testLogger, uniquePrefix, waitFor } from '@switchboard/testkit';
import { openConfiguredModel, openRegistryModel, type ModelEvent } from './model-holder.js';

const TRAIN = fileURLToPath(new URL('../../../eval/training/switchboard-train.jsonl', import.meta.url));
const DEFAULT_MODEL = fileURLToPath(new URL('../../../models/local-default.json', import.meta.url));

describe('the local model from the registry', () => {
  let dir: string;
  let redis: Redis;
  let a: TrainResult;
  let b: TrainResult;
  const prefixes: string[] = [];
  const registry = (): ModelRegistry => {
    const prefix = uniquePrefix('holder');
    prefixes.push(prefix);
    return new ModelRegistry(redis, prefix);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-model-'));
    redis = new Redis(TEST_REDIS_URL);
    const rows = await readLabelledTickets(TRAIN);
    // Half the rows each: two trainings of the whole set are slow on a busy machine.
    a = trainLocalModel(rows.slice(0, 600), { seed: 1 });
    b = trainLocalModel(rows.slice(600, 1_200), { seed: 2 });
    await saveLocalModel(join(dir, 'a.json'), a.file);
    await saveLocalModel(join(dir, 'b.json'), b.file);
  }, 120_000);
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(p);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the file at start; the registry’s champion wins over a file it already has', async () => {
    const models = registry();
    const first = await openRegistryModel(models, join(dir, 'a.json'), testLogger(), 60_000);
    first.close();
    expect(first.current().meta.modelVersion).toBe(a.model.meta.modelVersion);
    expect(await models.currentVersion()).toBe(a.model.meta.modelVersion);
    expect((await models.entry(a.model.meta.modelVersion))?.source).toBe('file');

    // Retrained elsewhere and promoted: a classifier restarted with the old file keeps the promotion.
    await models.add(b.model.meta.modelVersion, JSON.stringify(b.file), {
      trainedAt: b.model.meta.trainedAt,
      source: 'retrain',
    });
    await models.promote(b.model.meta.modelVersion, 'retrain', 'better');
    const logger = testLogger();
    const said = vi.spyOn(logger, 'info');
    const restarted = await openRegistryModel(models, join(dir, 'a.json'), logger, 60_000);
    restarted.close();
    expect(restarted.current().meta.modelVersion).toBe(b.model.meta.modelVersion);
    expect(said.mock.calls.some(([, msg]) => msg === "local model: running the registry's champion")).toBe(true);

    // A person points LOCAL_MODEL_PATH at a file the registry has never seen: it becomes the champion.
    const shipped = await openRegistryModel(models, DEFAULT_MODEL, testLogger(), 60_000);
    shipped.close();
    const shippedVersion = shipped.current().meta.modelVersion;
    expect(await models.currentVersion()).toBe(shippedVersion);
    expect((await models.list()).find((e) => e.version === b.model.meta.modelVersion)?.status).toBe('previous');
  });

  it('follows a promotion and a rollback without a restart, and keeps its model when the champion is broken', async () => {
    const models = registry();
    const logger = testLogger();
    const failed = vi.spyOn(logger, 'error');
    const holder = await openRegistryModel(models, join(dir, 'a.json'), logger, 50);
    const events: ModelEvent[] = [];
    holder.subscribe((e) => events.push(e));
    try {
      const va = a.model.meta.modelVersion;
      const vb = b.model.meta.modelVersion;
      await models.add(vb, JSON.stringify(b.file), { trainedAt: b.model.meta.trainedAt, source: 'retrain' });
      await models.promote(vb, 'operator', 'try b');
      await waitFor(() => (holder.current().meta.modelVersion === vb ? true : undefined), 10_000, 'promotion followed');
      expect(holder.current().predict('Invoice', 'I was charged twice this month').category).toBe('billing');

      await models.add('local-broken', '{"formatVersion": 999', {
        trainedAt: new Date().toISOString(),
        source: 'operator',
      });
      await models.promote('local-broken', 'operator', 'a bad file');
      await waitFor(() => (failed.mock.calls.length > 0 ? true : undefined), 10_000, 'broken champion refused');
      expect(holder.current().meta.modelVersion).toBe(vb);

      await models.rollback('operator', 'broken');
      await models.rollback('operator', 'b was worse');
      await waitFor(() => (holder.current().meta.modelVersion === va ? true : undefined), 10_000, 'rollback followed');
      expect(events.map((e) => `${e.kind} ${e.version}`)).toEqual([
        `loaded ${vb}`,
        'rejected local-broken',
        `loaded ${va}`,
      ]);
      // The broken one was fetched once, not on every poll.
      expect(failed.mock.calls.length).toBe(1);
    } finally {
      holder.close();
    }
  });

  it('keeps an imported model on probation until it is vetted, and a newly promoted one starts on probation', async () => {
    const models = registry();
    const holder = await openRegistryModel(models, join(dir, 'a.json'), testLogger(), 50);
    try {
      const va = a.model.meta.modelVersion;
      expect(holder.vetted()).toBe(false);
      expect(await models.vet(va, 'retrain', 'takes 60% at 97% of 150 people labels')).toBe(true);
      expect(await models.vet(va, 'operator', 'again')).toBe(false);
      await waitFor(() => (holder.vetted() ? true : undefined), 10_000, 'the vetting followed');
      expect((await models.entry(va))?.vetted).toMatchObject({ by: 'retrain', why: /60% at 97%/ });
      // Another model promoted by a person, not judged here: back on probation.
      await models.add(b.model.meta.modelVersion, JSON.stringify(b.file), {
        trainedAt: b.model.meta.trainedAt,
        source: 'operator',
      });
      await models.promote(b.model.meta.modelVersion, 'operator', 'try b');
      await waitFor(
        () => (holder.current().meta.modelVersion === b.model.meta.modelVersion ? true : undefined),
        10_000,
        'the promotion followed',
      );
      expect(holder.vetted()).toBe(false);
      await expect(models.vet('no-such-model', 'operator', 'x')).rejects.toThrow(/not in the registry/);
    } finally {
      holder.close();
    }
  });

  it('without a fleet reads the file once; a bad file is a start-up error that says how to run without it', async () => {
    const holder = await openConfiguredModel(
      { modelPath: join(dir, 'b.json'), threshold: 0.9, priorityThreshold: 0.8, probation: true, reloadPollMs: 50 },
      testLogger(),
    );
    expect(holder?.origin).toBe('file');
    // What a one-shot command was pointed at is what it evaluates: no probation without a fleet.
    expect(holder?.vetted()).toBe(true);
    expect(holder?.current().meta.modelVersion).toBe(b.model.meta.modelVersion);
    await expect(
      openConfiguredModel(
        {
          modelPath: join(dir, 'missing.json'),
          threshold: 0.9,
          priorityThreshold: 0.8,
          probation: true,
          reloadPollMs: 50,
        },
        testLogger(),
        registry(),
      ),
    ).rejects.toThrow(/missing\.json cannot be read .*LOCAL_MODEL_PATH=off/);
  });
});
