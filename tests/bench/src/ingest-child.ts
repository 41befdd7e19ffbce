import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@switchboard/testkit';

/**
 * The real ingest app (apps/ingest/src/main.ts) as its own process, as production runs it: the load
 * generator in this process then never shares an event loop with the server it measures.
 */
export async function startIngestChild(opts: { repoRoot: string; env: Record<string, string>; nodeFlags: string[] }): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...opts.nodeFlags, '--import', 'tsx', `${opts.repoRoot}apps/ingest/src/main.ts`], {
    cwd: `${opts.repoRoot}apps/ingest`,
    env: { ...process.env, ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[ingest] ${d.toString()}`));
  // Its JSON log goes to stdout; only the tail is kept, to explain a failed start.
  let tail = '';
  child.stdout?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ingest exited with ${child.exitCode}: ${tail}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('ingest did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGTERM: the app's own shutdown, which also lets --cpu-prof write its profile.
        child.kill('SIGTERM');
      }),
  };
}
