import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFleetContext, type FleetContext } from '@switchboard/queues';
import { createScope } from '@switchboard/runtime';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { localCommands } from './local.js';

describe('ops local', () => {
  let prefix: string;
  let fleet: FleetContext;
  beforeEach(async () => {
    prefix = uniquePrefix('opslocal');
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

  const run = async (sub: 'status' | 'on' | 'off', argv: string[] = []): Promise<string> => {
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
      await localCommands.subcommands[sub]?.run(argv, ctx);
    } finally {
      await scope.closeAll();
    }
    return out.join('\n');
  };

  it('shows the guard’s window, and a person’s off stays until a person switches it on', async () => {
    for (const agreed of [true, true, false])
      await fleet.guard.judge({ tier: 'local', judge: 'cheap', category: 'billing', agreed, at: new Date() }, 200);
    await fleet.guard.judge({ tier: 'local', judge: 'human', category: 'billing', agreed: false, at: new Date() }, 200);
    const before = await run('status');
    expect(before).toContain('local tier on');
    expect(before).toMatch(
      /local: 2\/4 judged tickets agreed \(50\.0%, 95% \d+\.\d%–\d+\.\d%\); people judged 1: 0 right \(0\.0%, 95% /,
    );
    expect(before).toMatch(/local vs cheap\tbilling\t2\/3/);

    expect(await run('off', ['--reason', 'new product line'])).toContain('local tier OFF');
    // The guard cannot replace a person's choice.
    expect(
      await fleet.guard.switchLocalOff({ off: true, by: 'guard', since: new Date().toISOString(), reason: 'x' }),
    ).toBe(false);
    expect(await run('status')).toMatch(/local tier OFF since .* \(by operator: new product line\)/);

    expect(await run('on')).toContain('local tier on: classifiers use it again');
    expect(await run('status')).toContain("local: no judged tickets in the guard's window yet");
  });
});
