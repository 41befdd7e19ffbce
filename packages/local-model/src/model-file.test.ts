import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalModelFileError } from './errors.js';
import type { LocalModelFile } from './model-file.js';
import { loadLocalModel, parseLocalModel, saveLocalModel } from './persist.js';
import { syntheticTickets } from './testing/synthetic-tickets.js';
import { trainLocalModel } from './train.js';

const { file, model } = trainLocalModel(syntheticTickets(200, 2), {
  seed: 1,
  epochs: 3,
  trainedAt: new Date('2026-01-01T00:00:00Z'),
});
const text = JSON.stringify(file);
const edited = (edit: (f: LocalModelFile) => void): string => {
  const copy = JSON.parse(text) as LocalModelFile;
  edit(copy);
  return JSON.stringify(copy);
};

/** Parsing `input` fails with a LocalModelFileError whose message matches `pattern`. */
function rejects(input: string, pattern: RegExp): void {
  let error: unknown;
  try {
    parseLocalModel(input, 'model.json');
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(LocalModelFileError);
  expect((error as Error).message).toMatch(/^local model file model\.json: /);
  expect((error as Error).message).toMatch(pattern);
}

describe('model files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads: the loaded model predicts exactly as the trained one', async () => {
    const path = join(dir, 'nested', 'model.json');
    await saveLocalModel(path, file);
    const loaded = await loadLocalModel(path);
    expect(loaded.meta.modelVersion).toBe(file.modelVersion);
    for (const t of syntheticTickets(30, 5))
      expect(loaded.predict(t.subject, t.body)).toEqual(model.predict(t.subject, t.body));
  });

  it('accepts the file as text, as bytes and as the parsed object', () => {
    const probe = model.predict('login', 'password reset please');
    expect(parseLocalModel(text).predict('login', 'password reset please')).toEqual(probe);
    expect(parseLocalModel(Buffer.from(text)).predict('login', 'password reset please')).toEqual(probe);
    expect(parseLocalModel(file).predict('login', 'password reset please')).toEqual(probe);
  });

  it('refuses another format version', () => {
    rejects(
      edited((f) => Object.assign(f, { formatVersion: 3 })),
      /formatVersion 3; this build reads formatVersion 1 or 2/,
    );
    rejects(
      edited((f) => Reflect.deleteProperty(f, 'formatVersion')),
      /has no formatVersion/,
    );
  });

  it('refuses a category label outside the taxonomy', () => {
    rejects(
      edited((f) => (f.category.labelCategories[0] = 'refunds')),
      /"refunds", which is not a category of the taxonomy/,
    );
    rejects(
      edited((f) => f.categories.push('refunds')),
      /"refunds", which is not a category/,
    );
    rejects(
      edited((f) => f.priority?.labels.splice(0, 1, 'urgent')),
      /priority label "urgent" is not a priority/,
    );
  });

  it('refuses truncated or empty JSON', () => {
    rejects(text.slice(0, Math.floor(text.length / 2)), /is not valid JSON, perhaps truncated/);
    rejects('', /is empty/);
    rejects('[1, 2]', /is not a JSON object/);
  });

  it('refuses a file of the wrong shape, naming the field', () => {
    rejects('{"formatVersion": 1, "hello": "world"}', /does not match the model file schema: .*modelVersion/);
    rejects(
      edited((f) => Object.assign(f.features, { columns: 'many' })),
      /features\.columns/,
    );
    rejects(
      edited((f) => Object.assign(f.category, { temperature: -1 })),
      /category\.temperature/,
    );
    rejects(
      edited((f) => Object.assign(f, { surprise: true })),
      /surprise/,
    );
  });

  it('refuses arrays that do not add up, so prediction never meets them', () => {
    rejects(
      edited((f) => (f.category.weights = f.category.weights.slice(0, 40))),
      /category\.weights holds \d+ values; expected/,
    );
    rejects(
      edited((f) => (f.category.weights = '%%%')),
      /category\.weights is not valid base64/,
    );
    rejects(
      edited((f) => f.category.bias.pop()),
      /category\.bias has/,
    );
    rejects(
      edited((f) => (f.features.columns += 1)),
      /features\.keys does not hold/,
    );
    rejects(
      edited((f) => (f.features.idf = Buffer.from([0, 0]).toString('base64'))),
      /features\.idf must hold/,
    );
    rejects(
      edited((f) => f.category.labels.splice(1, 1, f.category.labels[0] ?? '')),
      /duplicate/,
    );
    rejects(
      edited((f) => (f.features.charMin = 6)),
      /charMin 6 is above features\.charMax/,
    );
  });

  it('names the path when the file cannot be read', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadLocalModel(path)).rejects.toThrow(LocalModelFileError);
    await expect(loadLocalModel(path)).rejects.toThrow(/missing\.json: cannot be read/);
    await writeFile(join(dir, 'bad.json'), '{"formatVersion":');
    await expect(loadLocalModel(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: is not valid JSON/);
  });
});
