import { Job, type IRedisTransaction, type JobsOptions, type RedisClient as BullClient } from 'bullmq';
import type { z } from 'zod';
import type { PipelineMetrics } from '@switchboard/runtime';
import type { Producer, QueueContext } from './factory.js';

interface Added {
  index: number;
  queueName: string;
  jobId: string;
}

/**
 * Jobs and Redis-store scripts sent as one MULTI…EXEC: one round trip, and Redis runs them one after
 * the other with nothing in between, so a ticket's record and the job that hands it on are written
 * together or, if the transaction is refused (Redis out of memory, a lost connection), not at all.
 * Steps run in the order they were queued. A step that fails while running does not undo the others
 * (Redis has no rollback), so callers queue the record's move last: it only reports success when
 * every add before it succeeded, and a retried job repeats the adds under the same job ids.
 */
export class Transaction {
  private readonly added: Added[] = [];
  private steps = 0;

  constructor(
    readonly tx: IRedisTransaction,
    private readonly metrics: PipelineMetrics | undefined,
  ) {}

  /** Queues a job add with the queue's default options, under `jobId`, as `Producer.add` would. */
  add<N extends string, S extends z.ZodType>(
    producer: Producer<N, S>,
    jobId: string,
    data: z.output<S>,
    opts: JobsOptions = {},
  ): this {
    const { queue, def } = producer;
    // The queue's declared policy, as Producer.add applies it: its defaults and its priority rule.
    const priority = def.priority ? { priority: def.priority.of(data) } : {};
    const job = new Job(queue, def.jobName, data, { ...queue.defaultJobOptions, ...priority, ...opts, jobId }, jobId);
    // BullMQ queues its add script on the transaction synchronously; the promise only repeats that.
    void job.addJob(this.tx).catch(() => undefined);
    this.added.push({ index: this.steps++, queueName: def.queueName, jobId });
    return this;
  }

  /** Queues one command or script call (`step(tx)` must queue exactly one); returns its index in `exec`'s results. */
  step(queue: (tx: IRedisTransaction) => void): number {
    queue(this.tx);
    return this.steps++;
  }

  /**
   * Sends the transaction; throws if Redis refused it or any step failed (after the others ran).
   * Returns each step's reply, in order.
   */
  async exec(): Promise<unknown[]> {
    const results = await this.tx.exec();
    if (!results) throw new Error('transaction discarded');
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    for (const a of this.added) {
      const id: unknown = results[a.index]?.[1];
      // BullMQ's add scripts answer with the job id, or a negative code when they refused the job.
      if (typeof id === 'number' && id < 0) throw new Error(`adding ${a.jobId} to ${a.queueName} failed (code ${id})`);
    }
    for (const a of this.added) this.metrics?.jobsAdded(a.queueName);
    return results.map(([, reply]) => reply as unknown);
  }
}

/** What a transaction runs: BullMQ's add scripts and the project's store scripts, nothing else. */
const TRANSACTION_SCRIPTS = /^(add(Standard|Prioritized|Delayed)Job:|switchboard_)/;

interface DefinedScript {
  lua: string;
  numberOfKeys: number | null;
}

/**
 * Where transactions are opened: a connection of its own, opened on first use beside the fleet's
 * shared one, with only the scripts a transaction runs defined on it. ioredis copies every command
 * defined on a connection into each MULTI it makes, and BullMQ defines some 60 on the shared one:
 * a MULTI made there cost about as much CPU as the round trip it saves. `close()` closes it.
 */
export class TransactionLane {
  private lane: Promise<BullClient> | undefined;

  constructor(private readonly ctx: Pick<QueueContext, 'logger' | 'metrics'>) {}

  /** A transaction for adds to `via`'s queue (any queue of the fleet: they share one connection). */
  async open(via: Producer<string, z.ZodType>): Promise<Transaction> {
    this.lane ??= this.connect(via);
    const lane = await this.lane;
    return new Transaction(lane.multi(), this.ctx.metrics);
  }

  private async connect(via: Producer<string, z.ZodType>): Promise<BullClient> {
    // The queue's client is ready once BullMQ has defined its scripts on it; the project's are
    // defined by the stores built on the same connection.
    const shared = await via.queue.getBackend().client;
    const lane = shared.duplicate();
    lane.on('error', (err: Error) =>
      this.ctx.logger.warn({ err: { message: err.message } }, 'redis transaction connection error'),
    );
    const scripts = (shared as unknown as { scriptsSet: Record<string, DefinedScript> }).scriptsSet;
    for (const [name, script] of Object.entries(scripts)) {
      if (!TRANSACTION_SCRIPTS.test(name) || script.numberOfKeys === null) continue;
      lane.defineCommand(name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
    }
    return lane;
  }

  async close(): Promise<void> {
    const lane = await this.lane?.catch(() => undefined);
    this.lane = undefined;
    await lane?.quit().catch(() => lane.disconnect());
  }
}
