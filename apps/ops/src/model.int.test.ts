import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openFleetContext, type FleetContext } from '@switchboard/queues';
import { createScope } from '@switchboard/runtime';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { modelCommands } from './model.js';

const DEFAULT_MODEL = fileURLToPath(new URL('../../../models/local-default.json', import.meta.url));

describe('ops model', () => {
  let prefix: string;
  let fleet: FleetContext;
  let dir: string;
  let shipped: string;
  let version: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-opsmodel-'));
    shipped = await readFile(DEFAULT_MODEL, 'utf8');
    version = (JSON.parse(shipped) as { modelVersion: string }).modelVersion;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    prefix = uniquePrefix('opsmodel');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 1,
    });
  });
  afterEach(async () => {
    await fleet.close();
    await dropPrefix(prefix);
  });

  const run = async (sub: string, argv: string[] = []): Promise<string> => {
    const out: string[] = [];
    const scope = createScope(testLogger());
    const ctx = {
      logger: testLogger(),
      scope,
      userPath: (p: string) => p,
      env: { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix },
      print: (t: string) => out.push(t),
    };
    try {
      const command = modelCommands.subcommands[sub];
      if (!command) throw new Error(`no model ${sub}`);
      await command.run(argv, ctx);
    } finally {
      await scope.closeAll();
    }
    return out.join('\n');
  };

  it('adds, lists, shows, promotes and rolls back, and restarts the guard’s judgment of the local tier', async () => {
    expect(await run('list')).toContain('no models in the registry yet');
    // The fleet's champion, as a classifier stores it at start.
    await fleet.models.add('local-old', shipped.replace(version, 'local-old'), {
      trainedAt: '2026-11-01T00:00:00.000Z',
      source: 'file',
    });
    await fleet.models.promote('local-old', 'file', 'the registry had no champion');

    expect(await run('add', [DEFAULT_MODEL, '--reason', 'March export'])).toMatch(
      new RegExp(`${version} stored as a candidate \\(1\\.\\d\\d MB\\)`),
    );
    expect(await run('list')).toMatch(new RegExp(`^${version}\\tcandidate\\toperator\\t.*\\n.*local-old\\tchampion`));

    await fleet.guard.judge({ tier: 'local', judge: 'cheap', category: 'billing', agreed: false, at: new Date() }, 200);
    await fleet.guard.switchLocalOff({ off: true, by: 'guard', since: new Date().toISOString(), reason: 'too wrong' });
    const promoted = await run('promote', [version, '--reason', 'better on our tickets']);
    expect(promoted).toContain(`${version} is the champion`);
    expect(promoted).toContain('note: the local tier is switched OFF (by guard: too wrong)');
    expect(await fleet.guard.window('local')).toEqual({ judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } });
    expect(await fleet.models.currentVersion()).toBe(version);
    expect(await run('promote', [version])).toContain('is already the champion');
    expect(promoted).toContain(`note: ${version} is on probation`);
    expect(await run('list')).toMatch(new RegExp(`^${version}\\tchampion\\toperator\\t.*\\ton probation`));
    await expect(run('vet', [version])).rejects.toThrow(/--reason/);
    expect(await run('vet', [version, '--reason', 'read 200 of its answers against ours'])).toContain(
      `${version} is off probation`,
    );
    expect(await fleet.models.isVetted(version)).toBe(true);
    expect(await run('show', [version])).toContain('off probation since');
    expect(await run('vet', [version, '--reason', 'again'])).toContain('already off probation');

    const show = await run('show', [version, '--out', join(dir, 'out.json')]);
    expect(show).toContain(`local model ${version}: trained`);
    expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe(shipped);

    expect(await run('rollback', ['--reason', 'more escalations'])).toContain(
      `local-old is the champion again (${version} kept as rejected)`,
    );
    expect(await run('list')).toContain(`${version}\trejected\toperator`);
    await expect(run('rollback')).rejects.toThrow(/no previous champion/);
  });

  it('refuses to promote an unknown version or a file a classifier could not load', async () => {
    await expect(run('promote', ['local-nope'])).rejects.toThrow(/not in the registry/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"formatVersion": 2, "modelVersion": "x"}');
    await expect(run('add', [broken, '--promote'])).rejects.toThrow(/not promoted/);
    await fleet.models.add('local-bad', '{"formatVersion": 2}', {
      trainedAt: '2026-11-01T00:00:00.000Z',
      source: 'retrain',
    });
    await expect(run('promote', ['local-bad'])).rejects.toThrow(/not promoted/);
    expect(await fleet.models.currentVersion()).toBeNull();
    await expect(run('show', [])).rejects.toThrow(/give exactly one version/);
  });
});
