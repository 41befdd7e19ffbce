import { dropPrefix } from '@switchboard/testkit';
import { decisionsQueue, openFleetContext, openQueue, ticketsQueue } from '@switchboard/queues';
import { spawnAppChild, type AppChild } from '../app-child.js';
import { startBareChainProcesses } from '../bare-chain.js';
import { waitUntil, type BenchContext } from '../bench-context.js';
import { CHEAP_MODEL, STRONG_MODEL } from '../fake-models.js';
import { startFakeProvider } from '../fake-provider.js';
import { enqueueTickets } from '../fleet.js';
import { ticketAt } from '../tickets.js';
import { timeRun } from '../time-run.js';

export interface ProcessesRun {
  bareTicketsPerSec: number;
  fleetTicketsPerSec: number;
  ratio: number;
}

/**
 * Scenario 1 again with the fleet as `npm start` runs it: the real classifier and escalation apps,
 * each its own process (their own logs, metrics, views and polls), against a bare chain with each
 * hop in its own process. On two cores both share them with Redis and the fake provider.
 */
export async function runOverheadAsProcesses(
  ctx: BenchContext,
  concurrency: [number, number],
  n: number,
): Promise<ProcessesRun> {
  const runId = `${ctx.runId}p`;
  const barePrefix = `${ctx.prefix}-bare-processes`;
  const bare = await startBareChainProcesses({ redisUrl: ctx.redisUrl, prefix: barePrefix, concurrency });
  const bareRun = await timeRun(
    (from, k) => bare.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${runId}b`, from + i))),
    () => bare.done(),
    n,
  );
  await bare.close();
  await dropPrefix(barePrefix, ctx.redisUrl);

  const fake = await startFakeProvider({ cheapDelayMs: 0, strongDelayMs: 0, strongShare: 0.1 });
  const prefix = `${ctx.prefix}-overhead-processes`;
  const env = {
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: prefix,
    MODEL_BASE_URL: fake.url,
    MODEL_API_KEY: 'bench',
    CHEAP_MODEL,
    STRONG_MODEL,
    CHEAP_THRESHOLD: '0.75',
    STRONG_THRESHOLD: '0.6',
    // As in the in-process run: the cheap and strong tiers only.
    LOCAL_MODEL_PATH: 'off',
    CLASSIFIER_CONCURRENCY: String(concurrency[0]),
    ESCALATION_CONCURRENCY: String(concurrency[1]),
    LOG_LEVEL: 'info',
  };
  const apps: AppChild[] = [];
  const producer = await openFleetContext({
    redisUrl: ctx.redisUrl,
    prefix,
    role: 'producer',
    logger: ctx.logger,
    retentionDays: 8,
  });
  const tickets = openQueue(ticketsQueue, producer.ctx);
  const decisions = openQueue(decisionsQueue, producer.ctx);
  try {
    apps.push(spawnAppChild({ repoRoot: ctx.repoRoot, app: 'classifier', env, nodeFlags: ctx.childNodeFlags }));
    apps.push(spawnAppChild({ repoRoot: ctx.repoRoot, app: 'escalation', env, nodeFlags: ctx.childNodeFlags }));
    const up = await waitUntil(
      async () => (await tickets.queue.getWorkersCount()) > 0 && (await decisions.queue.getWorkersCount()) > 0,
      30_000,
      100,
    );
    if (!up)
      throw new Error(`the classifier and escalation apps did not start: ${apps.map((a) => a.tail()).join(' | ')}`);
    const since = new Date(Date.now() - 86_400_000);
    // Escalation counts every ticket it finishes in the day's traffic counters: one read, any process.
    const finished = async (): Promise<number> =>
      (await producer.stats.range(since, new Date(Date.now() + 86_400_000))).total.tickets ?? 0;
    const fleetRun = await timeRun(
      (from, k) =>
        enqueueTickets(
          tickets,
          Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, runId, from + i)),
        ),
      finished,
      n,
    );
    return { bareTicketsPerSec: bareRun.rate, fleetTicketsPerSec: fleetRun.rate, ratio: fleetRun.rate / bareRun.rate };
  } finally {
    for (const a of apps) await a.stop();
    await tickets.close();
    await decisions.close();
    await producer.close();
    await fake.close();
    await dropPrefix(prefix, ctx.redisUrl);
  }
}
