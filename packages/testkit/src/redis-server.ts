import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A Redis of the test's own (no disk unless `args` asks), so killing or configuring it disturbs no other test. */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: 'ignore' },
  );
  await Promise.race([
    once(child, 'spawn'),
    once(child, 'error').then(([err]) => {
      throw err as Error;
    }),
  ]);
  return child;
}

export async function stopRedisServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
