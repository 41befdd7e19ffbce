import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { waitFor } from './redis.js';

/** Whether something accepts a TCP connection on the port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Redis of the test's own (no disk unless `args` asks), so killing or configuring it disturbs no other
 * test. Resolves once it accepts connections: on a busy machine a fixed pause after the spawn was not
 * always long enough, and a test that connects too soon fails for a reason it does not test.
 */
export async function startRedisServer(
  port: number,
  args: readonly string[] = [],
  timeoutMs = 15_000,
): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its log, kept short, says why when it does not start (a bad argument, a port taken).
  let log = '';
  const keep = (d: Buffer): void => {
    log = (log + d.toString()).slice(-2_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await Promise.race([
    once(child, 'spawn'),
    once(child, 'error').then(([err]) => {
      throw err as Error;
    }),
  ]);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening`);
        return (await accepts(port)) ? true : undefined;
      },
      timeoutMs,
      'it to listen',
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port}: ${(err as Error).message}\n${log}`, { cause: err });
  }
  return child;
}

export async function stopRedisServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
