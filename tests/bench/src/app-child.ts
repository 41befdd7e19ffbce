import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@switchboard/testkit';

export interface AppChild {
  child: ChildProcess;
  /** The last 2,000 characters of its output, to explain a failed start. */
  tail(): string;
  stop(): Promise<void>;
}

/** An app's real main.ts as its own process, as production (and `npm start`) runs it. */
export function spawnAppChild(opts: {
  repoRoot: string;
  app: 'ingest' | 'classifier' | 'escalation';
  env: Record<string, string>;
  nodeFlags: string[];
}): AppChild {
  const child: ChildProcess = spawn(
    process.execPath,
    [...opts.nodeFlags, '--import', 'tsx', `${opts.repoRoot}apps/${opts.app}/src/main.ts`],
    {
      cwd: `${opts.repoRoot}apps/${opts.app}`,
      env: { ...process.env, METRICS_PORT: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${opts.app}] ${d.toString()}`));
  // Its JSON log (every job at info, as in production) goes to stdout; only the tail is kept.
  let tail = '';
  child.stdout?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2_000);
  });
  return {
    child,
    tail: () => tail,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGTERM: the app's own shutdown, which also lets --cpu-prof write its profile.
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The real ingest app as its own process: the load generator in this process then never shares an
 * event loop with the server it measures.
 */
export async function startIngestChild(opts: {
  repoRoot: string;
  env: Record<string, string>;
  nodeFlags: string[];
}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const app = spawnAppChild({ ...opts, app: 'ingest', env: { ...opts.env, PORT: String(port), HOST: '127.0.0.1' } });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`ingest exited with ${app.child.exitCode}: ${app.tail()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('ingest did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => app.stop() };
}
