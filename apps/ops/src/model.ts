import { readFile, writeFile } from 'node:fs/promises';
import { describeLocalModel, parseLocalModel } from '@switchboard/local-model';
import type { FleetContext, RegistryEntry } from '@switchboard/queues';
import { parseCommand, usageLine, UsageError, type CommandSpec, type OptionSpec, type Values } from './args.js';
import type { CommandGroup, OpsContext } from './cli.js';
import { openOpsFleet } from './dead-letter.js';

const LIST = {
  command: 'model list',
  summary: 'Lists the local models in the registry, newest first: status, source, size and why.',
  options: {},
};
const SHOW = {
  command: 'model show',
  summary:
    "Shows one model's entry and how it was fitted; --out writes its file (for `ops eval` with LOCAL_MODEL_PATH).",
  positionals: '<version>',
  options: { out: { type: 'string', value: '<file.json>', description: "write the model's file there" } },
} as const;
const ADD = {
  command: 'model add',
  summary: 'Stores a model file (from `ops train`) in the registry as a candidate; --promote makes it the champion.',
  positionals: '<model.json>',
  options: {
    promote: { type: 'boolean', description: 'make it the champion now (classifiers follow within seconds)' },
    reason: { type: 'string', value: '"..."', description: 'why, kept with the model and in the weekly report' },
  },
} as const;
const PROMOTE = {
  command: 'model promote',
  summary: 'Makes a stored model the champion: every classifier switches to it within seconds, no restart.',
  positionals: '<version>',
  options: {
    reason: { type: 'string', value: '"..."', description: 'why, kept with the model and in the weekly report' },
  },
} as const;
const ROLLBACK = {
  command: 'model rollback',
  summary: 'Goes back to the previous champion; the current one is kept as rejected with the reason.',
  options: {
    reason: { type: 'string', value: '"..."', description: 'why, kept with the model and in the weekly report' },
  },
} as const;

const VET = {
  command: 'model vet',
  summary:
    "Ends a model's probation: the local tier decides with it, not only records its answers. For a model you have judged on this desk's tickets yourself; the retrain job does it on people's labels.",
  positionals: '<version>',
  options: {
    reason: { type: 'string', value: '"..."', description: 'how you judged it (required: kept and reported)' },
  },
} as const;

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

function onePositional(spec: CommandSpec, positionals: readonly string[], what: string): string {
  const [first, ...rest] = positionals;
  if (first === undefined || rest.length > 0)
    throw new UsageError(`${spec.command}: give exactly one ${what}`, usageLine(spec));
  return first;
}

/** A subcommand about one model version: its options, the version and the fleet; undefined after --help. */
async function forVersion<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  ctx: OpsContext,
): Promise<{ values: Values<O>; version: string; fleet: FleetContext } | undefined> {
  const parsed = parseCommand(spec, argv, ctx.print);
  if (!parsed) return undefined;
  const version = onePositional(spec, parsed.positionals, 'version');
  return { values: parsed.values, version, fleet: await openOpsFleet(ctx) };
}

/** What follows a change of champion: how fast it spreads, and a local-tier switch that still holds it back. */
async function afterChange(fleet: FleetContext, ctx: OpsContext, version: string, verb: string): Promise<void> {
  ctx.print(
    `${version} ${verb}: every classifier loads it within LOCAL_MODEL_RELOAD_POLL_MS (2 s by default); the live guard judges it afresh`,
  );
  if (!(await fleet.models.isVetted(version)))
    ctx.print(
      `note: ${version} is on probation (LOCAL_PROBATION): the local tier records its answers but does not decide until the retrain job judges it on this desk's people's labels, or \`ops model vet ${version} --reason "..."\``,
    );
  const { state } = await fleet.guard.localSwitch();
  if (state)
    ctx.print(
      `note: the local tier is switched OFF (by ${state.by}: ${state.reason}); \`ops local on --reason "..."\` to use the new model`,
    );
}

/** The loaded text must be a model a classifier can run: refused here rather than by every classifier. */
function checkLoads(json: string, source: string): ReturnType<typeof parseLocalModel> {
  try {
    return parseLocalModel(json, source);
  } catch (err) {
    throw new Error(`${(err as Error).message}; not promoted`, { cause: err });
  }
}

function row(e: RegistryEntry, stored: boolean): string {
  const why = [e.reason, e.note].filter(Boolean).join(' · ');
  return [
    e.version,
    e.status,
    e.source,
    `trained ${e.trainedAt.slice(0, 10)}`,
    `added ${e.addedAt.slice(0, 16).replace('T', ' ')}`,
    stored ? mb(e.bytes) : 'file pruned',
    e.vetted ? `vetted by ${e.vetted.by}` : 'on probation',
    why,
  ].join('\t');
}

/** The fleet's local models in the Redis registry, for the person on call. */
export const modelCommands: CommandGroup = {
  command: 'model',
  summary: 'The local models in the registry: the champion every classifier runs, candidates, promote, rollback, vet.',
  subcommands: {
    list: {
      spec: LIST,
      async run(argv, ctx) {
        if (!parseCommand(LIST, argv, ctx.print)) return;
        const fleet = await openOpsFleet(ctx);
        const [entries, stored] = await Promise.all([fleet.models.list(), fleet.models.storedVersions()]);
        if (entries.length === 0) {
          ctx.print('no models in the registry yet: a classifier stores LOCAL_MODEL_PATH there when it starts');
          return;
        }
        for (const e of entries) ctx.print(row(e, stored.has(e.version)));
        ctx.print(`${entries.length} model(s); champion ${(await fleet.models.currentVersion()) ?? 'none'}`);
      },
    },
    show: {
      spec: SHOW,
      async run(argv, ctx) {
        const cmd = await forVersion(SHOW, argv, ctx);
        if (!cmd) return;
        const { values, version, fleet } = cmd;
        const entry = await fleet.models.entry(version);
        if (!entry) throw new Error(`model ${version} is not in the registry (see \`ops model list\`)`);
        ctx.print(row(entry, entry.stored));
        ctx.print(
          entry.vetted
            ? `off probation since ${entry.vetted.at.slice(0, 16).replace('T', ' ')} (${entry.vetted.by}: ${entry.vetted.why})`
            : "on probation: not yet judged on this desk's labels (the local tier only records its answers while LOCAL_PROBATION is on)",
        );
        const stored = entry.stored ? await fleet.models.get(version) : null;
        if (!stored) {
          ctx.print('its file text was pruned (only the champion, the previous one and the newest are kept)');
          return;
        }
        try {
          const model = parseLocalModel(stored.json, `registry model ${version}`);
          ctx.print(describeLocalModel(model.meta));
          ctx.print(`categories: ${model.meta.categories.join(', ')}`);
        } catch (err) {
          ctx.print(`does not load: ${(err as Error).message}`);
        }
        if (values.out) {
          const out = ctx.userPath(values.out);
          await writeFile(out, stored.json);
          ctx.print(`written to ${out}`);
        }
      },
    },
    add: {
      spec: ADD,
      async run(argv, ctx) {
        const parsed = parseCommand(ADD, argv, ctx.print);
        if (!parsed) return;
        const path = ctx.userPath(onePositional(ADD, parsed.positionals, 'model file'));
        const json = await readFile(path, 'utf8');
        const model = checkLoads(json, path);
        const version = model.meta.modelVersion;
        const fleet = await openOpsFleet(ctx);
        const { entry, created } = await fleet.models.put(version, json, {
          trainedAt: model.meta.trainedAt,
          source: 'operator',
          note: parsed.values.reason ?? `added from ${path}`,
        });
        ctx.print(
          created
            ? `${version} stored as a candidate (${mb(entry.bytes)})`
            : `${version} was already in the registry (${entry.status})`,
        );
        if (parsed.values.promote) {
          if ((await fleet.models.currentVersion()) === version) return ctx.print(`${version} is already the champion`);
          await fleet.models.promote(version, 'operator', parsed.values.reason ?? 'added and promoted by an operator');
          await afterChange(fleet, ctx, version, 'is the champion');
        }
      },
    },
    promote: {
      spec: PROMOTE,
      async run(argv, ctx) {
        const cmd = await forVersion(PROMOTE, argv, ctx);
        if (!cmd) return;
        const { values, version, fleet } = cmd;
        if ((await fleet.models.currentVersion()) === version) return ctx.print(`${version} is already the champion`);
        const stored = await fleet.models.get(version);
        if (stored) checkLoads(stored.json, `registry model ${version}`);
        // An unknown or pruned version is refused by the registry itself, with the reason.
        await fleet.models.promote(version, 'operator', values.reason ?? 'promoted by an operator');
        await afterChange(fleet, ctx, version, 'is the champion');
      },
    },
    vet: {
      spec: VET,
      async run(argv, ctx) {
        const cmd = await forVersion(VET, argv, ctx);
        if (!cmd) return;
        const { values, version, fleet } = cmd;
        const reason = values.reason?.trim();
        if (!reason) throw new UsageError('model vet: say how you judged it with --reason "..."', usageLine(VET));
        const changed = await fleet.models.vet(version, 'operator', reason);
        ctx.print(
          changed
            ? `${version} is off probation: the local tier decides with it when it is the champion (classifiers follow within LOCAL_MODEL_RELOAD_POLL_MS)`
            : `${version} was already off probation`,
        );
      },
    },
    rollback: {
      spec: ROLLBACK,
      async run(argv, ctx) {
        const parsed = parseCommand(ROLLBACK, argv, ctx.print);
        if (!parsed) return;
        const fleet = await openOpsFleet(ctx);
        const from = await fleet.models.currentVersion();
        const to = await fleet.models.rollback('operator', parsed.values.reason ?? 'rolled back by an operator');
        await afterChange(fleet, ctx, to, `is the champion again (${from ?? '?'} kept as rejected)`);
      },
    },
  },
};
