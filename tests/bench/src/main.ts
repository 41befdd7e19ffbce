// `pnpm bench`: every scenario of issue 7 in one run against the Redis on REDIS_URL; prints a table
// and writes the figures as JSON. A script that reports figures, never a test that asserts timings.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { REPO_PATHS } from '@switchboard/classifier';
import { createLogger } from '@switchboard/runtime';
import { dropPrefix } from '@switchboard/testkit';
import type { BenchContext, ScenarioResult } from './bench-context.js';
import { formatTable, type ResultRow } from './table.js';
import { loadCorpus } from './tickets.js';
import { runOverhead } from './scenarios/overhead.js';
import { runIngest } from './scenarios/ingest-http.js';
import { runRealistic } from './scenarios/realistic.js';
import { runBurst } from './scenarios/burst.js';
import { runRateLimit } from './scenarios/rate-limit.js';
import { runCost } from './scenarios/cost.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const env = process.env;
const only = new Set(
  (env.BENCH_ONLY ?? 'overhead,ingest,realistic,burst,ratelimit,cost').split(',').map((s) => s.trim()),
);
const runId = `b${randomBytes(3).toString('hex')}`;
const ctx: BenchContext = {
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: `bench-${runId}`,
  runId,
  // The apps log every job at info; the bench keeps that cost but sends the lines nowhere.
  logger: createLogger(
    { name: 'bench', level: env.BENCH_LOG_LEVEL ?? 'info' },
    pino.destination({ dest: '/dev/null', sync: false }),
  ),
  corpus: loadCorpus([`${repoRoot}../shared/data/tobi/train.jsonl`, REPO_PATHS.evalSet]),
  promptPath: REPO_PATHS.prompt,
  repoRoot,
  childNodeFlags: env.BENCH_CHILD_NODE_FLAGS ? env.BENCH_CHILD_NODE_FLAGS.split(' ').filter(Boolean) : [],
  scale: Number(env.BENCH_SCALE ?? '1'),
};

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAvgAtStart: loadavg(),
};
process.stderr.write(
  `bench ${runId}: ${ctx.corpus.texts.length} tickets from ${ctx.corpus.source}; ${machine.cpus} CPUs, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);

const rows: ResultRow[] = [];
const results: Record<string, unknown> = {};
const started = Date.now();
const step = async (name: string, run: () => Promise<ScenarioResult>): Promise<void> => {
  if (!only.has(name)) return;
  const t0 = Date.now();
  process.stderr.write(`… ${name}\n`);
  const r = await run();
  rows.push(...r.rows);
  results[name] = { ...r.data, seconds: (Date.now() - t0) / 1000, loadAvgAfter: loadavg() };
};

try {
  let finished: Awaited<ReturnType<typeof runOverhead>>['finished'] = [];
  await step('overhead', async () => {
    const r = await runOverhead(ctx);
    finished = r.finished;
    return r;
  });
  await step('ingest', () => runIngest(ctx));
  await step('realistic', () => runRealistic(ctx));
  await step('burst', () => runBurst(ctx));
  await step('ratelimit', () => runRateLimit(ctx));
  await step('cost', () => runCost(ctx, finished));
} finally {
  // Whatever a failed scenario left behind under this run's prefixes (each scenario has its own).
  for (const s of [
    'bare',
    'bare-processes',
    'bare-with-call',
    'overhead',
    'overhead-nomodel',
    'overhead-processes',
    'ingest',
    'realistic',
    'burst',
    'ratelimit',
    'cost',
  ])
    await dropPrefix(`${ctx.prefix}-${s}`, ctx.redisUrl);
}

const totalSeconds = (Date.now() - started) / 1000;
process.stdout.write(
  `\n${formatTable(rows)}\n\n${totalSeconds.toFixed(0)} s in all; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
const outDir = env.BENCH_OUT_DIR ?? `${repoRoot}reports`;
mkdirSync(outDir, { recursive: true });
const out = `${outDir}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(
  out,
  `${JSON.stringify({ runId, date: new Date().toISOString(), machine, corpus: { source: ctx.corpus.source, tickets: ctx.corpus.texts.length }, totalSeconds, rows, results }, null, 2)}\n`,
);
process.stdout.write(`figures written to ${out}\n`);
