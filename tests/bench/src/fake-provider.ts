import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeModelsOptions } from './fake-models.js';

export interface ProviderCounts {
  cheap: number;
  strong: number;
  rateLimited: number;
  /** [unix second, cheap calls answered 200 in it] */
  perSecondOk: [number, number][];
  /** CPU the provider process has used so far (user + system), so a scenario can bill it separately. */
  cpuMicros: number;
}

export interface RemoteFakeProvider {
  url: string;
  counts(): Promise<ProviderCounts>;
  close(): Promise<void>;
}

const entry = fileURLToPath(new URL('./fake-provider-child.ts', import.meta.url));

/** The loopback OpenAI-compatible fake (testkit's) in a child process; see fake-provider-child.ts for why. */
export async function startFakeProvider(opts: FakeModelsOptions): Promise<RemoteFakeProvider> {
  const child = fork(entry, [JSON.stringify(opts)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMsg = (m: unknown): void => {
        if (typeof m === 'object' && m !== null && key in m) {
          child.off('message', onMsg);
          child.off('exit', onExit);
          resolve((m as Record<string, T>)[key] as T);
        }
      };
      const onExit = (code: number | null): void => reject(new Error(`fake provider exited (${code})`));
      child.on('message', onMsg);
      child.once('exit', onExit);
    });
  const url = await next<string>('url');
  return {
    url,
    counts: () => {
      const p = next<ProviderCounts>('counts');
      child.send('counts');
      return p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}
