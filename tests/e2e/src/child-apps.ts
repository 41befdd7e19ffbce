import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CHEAP, STRONG } from './scenario.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs an app's real main.ts as its own process, the way production runs it. */
export function spawnApp(app: 'ingest' | 'classifier' | 'escalation', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}apps/${app}/src/main.ts`], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    // METRICS_PORT=0: any free port, so test runs in parallel (or beside `npm start`) never collide on 9101/9102.
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const echo = process.env.TEST_LOG_LEVEL && process.env.TEST_LOG_LEVEL !== 'silent';
  child.stdout?.on('data', (d: Buffer) => echo && process.stdout.write(`[${app}] ${d.toString()}`));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${app}] ${d.toString()}`));
  return child;
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** What the worker apps need to run the scripted scenario against the fake provider, on one prefix. */
export function scenarioEnv(
  opts: { redisUrl: string; prefix: string; providerUrl: string },
  over: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: opts.prefix,
    MODEL_BASE_URL: opts.providerUrl,
    MODEL_API_KEY: 'test-key',
    CHEAP_MODEL: CHEAP,
    STRONG_MODEL: STRONG,
    // The provider script decides every ticket; a local model in front would take some of them.
    LOCAL_MODEL_PATH: 'off',
    ...over,
  };
}
