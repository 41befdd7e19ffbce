import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Category, TierName } from '@switchboard/core';
import type { EvalMetrics } from './metrics.js';
import type { EvalOutcome } from './runner.js';

const Rate = z.number().min(0).max(1);

/** The part of the metrics a later run is compared on; the rest is kept as written. */
const StoredMetrics = z.object({
  rows: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  accuracy: Rate,
  perCategory: z.record(
    Category,
    z.object({ support: z.number().int().nonnegative(), precision: Rate, recall: Rate, f1: Rate }),
  ),
  costPer1k: z.number().nonnegative(),
});

/** Per ticket, only what a paired comparison needs: no ticket text leaves the eval set. */
export const RunItem = z.object({
  id: z.string(),
  expected: Category,
  predicted: Category.nullable(),
  critical: z.boolean(),
});
export type RunItem = z.infer<typeof RunItem>;

export const EvalRunFile = z.object({
  format: z.literal('switchboard-eval-run/1'),
  set: z.object({ path: z.string(), rows: z.number().int().nonnegative(), sha256: z.string() }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /** What was measured: the tiers in order, and the model a baseline stands for. */
  cascade: z.object({
    tiers: z.array(z.object({ name: TierName, model: z.string().nullable(), threshold: z.number() })),
    promptVersion: z.string().nullable(),
  }),
  model: z.string(),
  metrics: StoredMetrics,
  items: z.array(RunItem),
});
export type EvalRunFile = z.infer<typeof EvalRunFile>;

export const BaselineFile = EvalRunFile.extend({ promotedAt: z.iso.datetime(), promotedFrom: z.string() });
export type BaselineFile = z.infer<typeof BaselineFile>;

export function toRunFile(args: {
  set: EvalRunFile['set'];
  startedAt: Date;
  finishedAt: Date;
  cascade: EvalRunFile['cascade'];
  model: string;
  metrics: EvalMetrics;
  outcomes: readonly EvalOutcome[];
}): Omit<EvalRunFile, 'metrics'> & { metrics: EvalMetrics } {
  return {
    format: 'switchboard-eval-run/1',
    set: args.set,
    startedAt: args.startedAt.toISOString(),
    finishedAt: args.finishedAt.toISOString(),
    cascade: args.cascade,
    model: args.model,
    metrics: args.metrics,
    items: args.outcomes.map((o) => ({
      id: o.id,
      expected: o.expected.category,
      predicted: o.predicted?.category ?? null,
      critical: o.critical,
    })),
  };
}

async function readJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
  return (await readValidated(path, schema, what)).value;
}

/** The parsed value, and the file as written (the schema checks what comparisons need and drops the rest). */
async function readValidated<T>(path: string, schema: z.ZodType<T>, what: string): Promise<{ value: T; raw: object }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${what} ${path} is not valid: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .slice(0, 5)
        .join('; ')}`,
    );
  return { value: parsed.data, raw: json as object };
}

export const readRunFile = (path: string): Promise<EvalRunFile> => readJson(path, EvalRunFile, 'eval run');
export const readBaseline = (path: string): Promise<BaselineFile> => readJson(path, BaselineFile, 'baseline');

/** Written beside the target then renamed over it, so a reader (drift) never sees half a file. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

/** A stored run becomes the baseline later runs (and the drift job) are compared with. */
export async function promoteToBaseline(runPath: string, baselinePath: string, at = new Date()): Promise<BaselineFile> {
  const { value, raw } = await readValidated(runPath, EvalRunFile, 'eval run');
  const extra = { promotedAt: at.toISOString(), promotedFrom: runPath };
  await writeJson(baselinePath, { ...raw, ...extra });
  return { ...value, ...extra };
}
