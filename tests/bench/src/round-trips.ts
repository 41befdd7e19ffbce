import { Redis } from 'ioredis';
import { freePort, startRedisServer, stopRedisServer } from '@switchboard/testkit';
import { startBareChain } from './bare-chain.js';
import { waitUntil, type BenchContext } from './bench-context.js';
import { CLASSIFIER_CONCURRENCY, ESCALATION_CONCURRENCY, startScenarioFleet, type FleetOptions } from './fleet.js';
import { ticketAt } from './tickets.js';

/** Per ticket: the requests clients sent (round trips) and what Redis ran for them, by command. */
export interface RoundTrips {
  /**
   * Requests the clients sent, a pipeline or MULTI…EXEC counted once, without the background ones:
   * the pipeline's round trips per ticket (the enqueue, one per batch of 500, included).
   */
  roundTrips: number;
  /** Every request the clients sent: `roundTrips` plus `background`. */
  requests: number;
  /** The same requests by what they ran (a script's name, a command, `[a + b]` for one transaction or pipeline). */
  requestsBy: Record<string, number>;
  /**
   * Of `requests`, those not made for one ticket: a worker looking for its next job itself (BullMQ's
   * moveToActive and its blocking wait; none while jobs keep coming, as each finish fetches the
   * next), its timers (lock renewal, stalled-job checks) and the fleet's polls of its switches. How
   * many depends on how often a worker ran dry and on the run's length, not on the pipeline's design.
   */
  background: number;
  /** INFO commandstats deltas by command: scripts' and transactions' inner commands included. */
  commands: Record<string, number>;
  /** The calls a client sends itself: script calls (EVALSHA, EVAL) and transactions (EXEC). */
  scriptsAndTransactions: number;
}

/** `INFO commandstats` as command → calls (`cmdstat_client|setname` keeps its subcommand). */
export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] && m[2]) calls[m[1]] = Number(m[2]);
  }
  return calls;
}

/** after − before, per ticket, dropping commands that ran fewer than once per 1,000 tickets. */
export function perTicket(
  before: Record<string, number>,
  after: Record<string, number>,
  tickets: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, n] of Object.entries(after)) {
    const delta = (n - (before[cmd] ?? 0)) / tickets;
    if (delta >= 0.001) out[cmd] = Math.round(delta * 1000) / 1000;
  }
  return Object.fromEntries(Object.entries(out).sort(([, a], [, b]) => b - a));
}

type SendCommand = (this: Redis, command: Command, stream?: { isPipeline?: boolean }) => unknown;
interface Command {
  name: string;
  args: unknown[];
}

/** What a request ran: a command's name, a script's name (BullMQ's without its version), or a transaction's list. */
function labelOf(redis: Redis, command: Command): string {
  if (command.name !== 'evalsha' && command.name !== 'eval') return command.name;
  const sha = String(command.args[0]);
  const scripts = (redis as unknown as { scriptsSet: Record<string, { sha: string }> }).scriptsSet;
  const name = Object.keys(scripts).find((k) => scripts[k]?.sha === sha);
  // BullMQ's names carry its version; the project's its own prefix; the add variants are one step.
  const bare = name
    ?.replace(/:[\d.]+$/, '')
    .replace(/^switchboard_/, '')
    .replace(/^add\w*Job$/, 'add');
  return bare ?? command.name;
}

/**
 * Counts the requests every ioredis connection of this process sends to `port`, by what they ran: a
 * command sent on its own is one round trip; the commands of a pipeline or MULTI…EXEC go out in one
 * write and count once (ioredis hands each of them the same stream object). Commandstats cannot tell
 * these apart: it counts every command a script or a transaction ran as well.
 */
function countRequests(port: number): { read(): Map<string, number>; restore(): void } {
  const proto = Redis.prototype as unknown as { sendCommand: SendCommand };
  const original = proto.sendCommand;
  const singles = new Map<string, number>();
  const batches = new Map<object, Set<string>>();
  proto.sendCommand = function (this: Redis, command, stream) {
    if (this.options.port === port) {
      const label = labelOf(this, command);
      if (!stream?.isPipeline) singles.set(label, (singles.get(label) ?? 0) + 1);
      else if (label !== 'multi' && label !== 'exec') {
        const batch = batches.get(stream) ?? new Set<string>();
        batches.set(stream, batch.add(label));
      }
    }
    return original.call(this, command, stream);
  };
  return {
    read() {
      const out = new Map(singles);
      for (const batch of batches.values()) {
        const label = `[${[...batch].sort().join(' + ')}]`;
        out.set(label, (out.get(label) ?? 0) + 1);
      }
      return out;
    },
    restore: () => {
      proto.sendCommand = original;
    },
  };
}

const WARMUP = 200;

/** Requests not made for one ticket (see `RoundTrips.background`); `get` is the fleet's switch polls. */
const BACKGROUND = new Set(['moveToActive', 'bzpopmin', 'extendLocks', 'extendLock', 'moveStalledJobsToWait', 'get']);

/**
 * Round trips per ticket through the bare chain and through the fleet (instant models, the overhead
 * scenario's mix), on a Redis of the bench's own so no other client's commands land in the deltas.
 * Both counts cover the same window after a warm-up; background work (stalled-job checks, lock
 * renewals, the fleet's polls of its switches) is in them, spread over the tickets.
 */
export async function measureRoundTrips(
  ctx: BenchContext,
  n: number,
  fleetTiers: FleetOptions['classifier'],
): Promise<{ bare: RoundTrips; fleet: RoundTrips }> {
  const port = await freePort();
  const server = await startRedisServer(port);
  const redisUrl = `redis://127.0.0.1:${port}`;
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  // It may try before the server listens; the ping below waits for it.
  admin.on('error', () => undefined);
  const counter = countRequests(port);
  try {
    await waitUntil(async () => (await admin.ping().catch(() => '')) === 'PONG', 10_000, 50);
    const measure = async (
      enqueue: (from: number, k: number) => Promise<void>,
      done: () => number | Promise<number>,
    ): Promise<RoundTrips> => {
      await enqueue(0, WARMUP);
      await waitUntil(async () => (await done()) >= WARMUP, 60_000);
      const before = parseCommandStats(await admin.info('commandstats'));
      const requestsBefore = counter.read();
      await enqueue(WARMUP, n);
      await waitUntil(async () => (await done()) >= WARMUP + n, 120_000);
      const requestsAfter = counter.read();
      const requestsBy: Record<string, number> = {};
      for (const [label, count] of requestsAfter) {
        const delta = (count - (requestsBefore.get(label) ?? 0)) / n;
        if (delta >= 0.001) requestsBy[label] = Math.round(delta * 1000) / 1000;
      }
      const requests = Object.values(requestsBy).reduce((a, b) => a + b, 0);
      const background = Object.entries(requestsBy)
        .filter(([label]) => BACKGROUND.has(label))
        .reduce((sum, [, n]) => sum + n, 0);
      const commands = perTicket(before, parseCommandStats(await admin.info('commandstats')), n);
      // The admin connection's own INFO call is not the pipeline's.
      commands.info = Math.max(0, (commands.info ?? 0) - 1 / n);
      if (commands.info < 0.001) delete commands.info;
      return {
        roundTrips: Math.round((requests - background) * 100) / 100,
        requests: Math.round(requests * 100) / 100,
        requestsBy: Object.fromEntries(Object.entries(requestsBy).sort(([, a], [, b]) => b - a)),
        background: Math.round(background * 100) / 100,
        commands,
        scriptsAndTransactions:
          Math.round(((commands.evalsha ?? 0) + (commands.eval ?? 0) + (commands.exec ?? 0)) * 100) / 100,
      };
    };

    const bare = startBareChain({
      redisUrl,
      prefix: `${ctx.prefix}-rt-bare`,
      concurrency: [CLASSIFIER_CONCURRENCY, ESCALATION_CONCURRENCY],
    });
    const bareTrips = await measure(
      (from, k) => bare.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${ctx.runId}rb`, from + i))),
      () => bare.done(),
    );
    await bare.close();

    const fleet = await startScenarioFleet({ ...ctx, redisUrl }, 'rt-fleet', {
      concurrency: CLASSIFIER_CONCURRENCY,
      ...fleetTiers,
    });
    const fleetTrips = await measure(
      (from, k) => fleet.enqueue(Array.from({ length: k }, (_, i) => ticketAt(ctx.corpus, `${ctx.runId}rf`, from + i))),
      () => fleet.finished.length,
    );
    await fleet.close();
    return { bare: bareTrips, fleet: fleetTrips };
  } finally {
    counter.restore();
    admin.disconnect();
    await stopRedisServer(server);
  }
}
