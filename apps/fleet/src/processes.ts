import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const APPS = ['ingest', 'classifier', 'escalation', 'drift', 'review-desk', 'dashboard'] as const;
export type AppName = (typeof APPS)[number];

const appMain = (app: AppName): string => fileURLToPath(new URL(`../../${app}/src/main.ts`, import.meta.url));

/** pino JSON → one short readable line, so a newcomer sees what the fleet says without a log viewer. */
const AUDIT_FIELDS = [
  'username',
  'reviewer',
  'method',
  'url',
  'statusCode',
  'ticketId',
  'replayed',
  'skipped',
] as const;

function relay(app: AppName, line: string): void {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } } & Record<
      string,
      unknown
    >;
    const level = entry.level ?? 30;
    const tag = level >= 50 ? 'ERROR' : level >= 40 ? 'warn' : 'info';
    // Who did what: an audit line without its user and target says nothing.
    const who = AUDIT_FIELDS.filter((k) => entry[k] !== undefined)
      .map((k) => `${k}=${Array.isArray(entry[k]) ? (entry[k] as unknown[]).join(',') : String(entry[k])}`)
      .join(' ');
    console.log(
      `  [${app}] ${tag}: ${entry.msg ?? ''}${who ? ` ${who}` : ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`,
    );
  } catch {
    console.log(`  [${app}] ${line}`);
  }
}

/** Starts one app as its own process, exactly as in production, with tsx compiling on the fly. */
export function startApp(app: AppName, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', appMain(app)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (l) => relay(app, l));
  }
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs` for anything still running. */
export async function stopAll(children: readonly ChildProcess[], graceMs: number): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
