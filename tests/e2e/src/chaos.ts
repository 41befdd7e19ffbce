// The long chaos run (not part of CI): the fleet as real processes on a Redis of its own with AOF,
// under steady load, while workers are SIGKILLed, Redis restarts and the provider fails in bursts.
// At the end every ticket ingest accepted must have ended in exactly one place.
//
//   pnpm --filter @switchboard/e2e-tests chaos [--minutes 3] [--rate 40]
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openFleetContext } from '@switchboard/queues';
import { freePort, startFakeOpenAI, startRedisServer, testLogger, waitFor } from '@switchboard/testkit';
import { kill, scenarioEnv, spawnApp } from './child-apps.js';
import { destinations, postJson } from './fleet-harness.js';
import { buildScenario, scenarioResponder } from './scenario.js';

const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '3' }, rate: { type: 'string', default: '40' } },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
if (!(minutes > 0 && rate > 0)) throw new Error('--minutes and --rate must be positive numbers');

const KEY = 'chaos-key-0123456789abcdef';
const log = (msg: string): void => console.log(`${new Date().toISOString().slice(11, 19)}  ${msg}`);

const dir = await mkdtemp(join(tmpdir(), 'sb-chaos-'));
const redisPort = await freePort();
const startRedis = (): Promise<ChildProcess> =>
  startRedisServer(redisPort, [
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--dir',
    dir,
    '--maxmemory-policy',
    'noeviction',
  ]);
let redis = await startRedis();
let providerDown = false;
const fake = await startFakeOpenAI((req, i) =>
  providerDown ? { status: 503 } : { ...scenarioResponder(req), delayMs: 20 + (i % 7) * 15 },
);
const ingestPort = await freePort();
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const prefix = 'chaos';
const env = scenarioEnv(
  { redisUrl, prefix, providerUrl: fake.url },
  {
    INGEST_API_KEYS: KEY,
    PORT: String(ingestPort),
    WORKER_LOCK_DURATION_MS: '3000',
    WORKER_STALLED_INTERVAL_MS: '1500',
  },
);
const workers: { app: 'classifier' | 'escalation'; child: ChildProcess }[] = [];
for (const app of ['classifier', 'classifier', 'escalation', 'escalation'] as const)
  workers.push({ app, child: spawnApp(app, env) });
const ingest = spawnApp('ingest', env);
const base = `http://127.0.0.1:${ingestPort}`;
await waitFor(
  async () => ((await fetch(`${base}/readyz`).catch(() => null))?.ok ? true : undefined),
  30_000,
  'ingest ready',
);

const accepted: string[] = [];
const counts = { sent: 0, accepted: 0, unavailable: 0, other: 0 };
const faults: string[] = [];
let running = true;
const scenario = buildScenario('chaos', {
  hotword: 1,
  critical: 1,
  cheap: 5,
  'cheap-unsure': 2,
  'cheap-invalid': 1,
  'high-unsure': 1,
  'all-down': 0,
  injection: 1,
});
const load = (async () => {
  for (let n = 0; running; n++) {
    const t = scenario[n % scenario.length];
    if (!t) break;
    const id = `c-${n}`;
    counts.sent++;
    const res = await postJson(`${base}/v1/tickets`, KEY, { ...t.input, id }).catch(() => ({ status: 0, json: null }));
    if (res.status === 202) {
      counts.accepted++;
      accepted.push(id);
    } else if (res.status === 503 || res.status === 0) counts.unavailable++;
    else counts.other++;
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
})();

const chaos = async (): Promise<void> => {
  const deadline = Date.now() + minutes * 60_000;
  for (let round = 0; Date.now() < deadline; round++) {
    await new Promise((r) => setTimeout(r, 8_000 + Math.random() * 7_000));
    const pick = round % 4;
    if (pick === 0 || pick === 1) {
      const w = workers[Math.floor(Math.random() * workers.length)];
      if (!w) continue;
      await kill(w.child, 'SIGKILL');
      w.child = spawnApp(w.app, env);
      faults.push(`SIGKILL ${w.app}`);
    } else if (pick === 2) {
      const exited = once(redis, 'exit');
      redis.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 2_000));
      redis = await startRedis();
      faults.push('Redis restart');
    } else {
      providerDown = true;
      await new Promise((r) => setTimeout(r, 5_000));
      providerDown = false;
      faults.push('provider down 5 s');
    }
    log(`${faults.at(-1) ?? ''} — sent ${counts.sent}, accepted ${counts.accepted}, 503 ${counts.unavailable}`);
  }
};

let exitCode: number;
try {
  log(`chaos for ${minutes} min at ${rate} tickets/s; Redis :${redisPort}, ingest :${ingestPort}`);
  await chaos();
  running = false;
  await load;
  const fleet = await openFleetContext({
    redisUrl: redisUrl,
    prefix: prefix,
    role: 'producer',
    logger: testLogger(),
    retentionDays: 8,
  });
  const ended = async (): Promise<number> =>
    (await Promise.all(accepted.map((id) => fleet.store.status(id)))).filter((s) => s === 'routed' || s === 'escalated')
      .length;
  await waitFor(
    async () => ((await ended()) === accepted.length ? true : undefined),
    180_000,
    'every accepted ticket to end',
  );
  const where = await destinations(fleet.redis, prefix);
  const wrong = accepted.filter((id) => (where.get(id) ?? []).length !== 1);
  await fleet.close();
  console.log(`\nfaults: ${faults.length} (${faults.join(', ')})`);
  console.log(
    `tickets: sent ${counts.sent}, accepted ${counts.accepted}, refused with 503 while Redis was away ${counts.unavailable}, other answers ${counts.other}`,
  );
  console.log(
    `ended exactly once: ${accepted.length - wrong.length}/${accepted.length}${wrong.length ? `; wrong: ${wrong.slice(0, 20).join(' ')}` : ''}`,
  );
  exitCode = wrong.length === 0 && counts.other === 0 ? 0 : 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  running = false;
  await Promise.all([...workers.map((w) => kill(w.child, 'SIGTERM')), kill(ingest, 'SIGTERM')]);
  redis.kill('SIGKILL');
  await fake.close();
  await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);
