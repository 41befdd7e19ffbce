import { replayDeadLetters } from '@switchboard/lifecycle';
import { allQueueDefs, deadLetterQueue, inspectQueue, openFleetContext } from '@switchboard/queues';
import { commonEnv, parseEnv, type Logger } from '@switchboard/runtime';

export const DEAD_LETTER_USAGE = 'pnpm ops dead-letter list | replay <dead-letter-id>... | replay --all';

export async function deadLetter(argv: readonly string[], logger: Logger): Promise<void> {
  const [command, ...rest] = argv;
  if ((command !== 'list' && command !== 'replay') || (command === 'replay' && rest.length === 0)) {
    console.error(`usage: ${DEAD_LETTER_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const env = parseEnv(commonEnv, process.env);
  const fleet = await openFleetContext({
    redisUrl: env.REDIS_URL,
    cluster: env.REDIS_CLUSTER === 'true',
    prefix: env.QUEUE_PREFIX,
    role: 'producer',
    logger,
    retentionDays: 30,
  });
  try {
    if (command === 'list') {
      const dlq = inspectQueue(deadLetterQueue, fleet.ctx);
      const jobs = await dlq.list(['waiting', 'delayed', 'completed', 'failed'], { end: 999 });
      for (const d of jobs) {
        console.log(
          d.ok ? `${d.id}\t${d.data.failedAt}\t${d.data.queue}\t${d.data.error}` : `${d.id}\t(unreadable entry)`,
        );
      }
      console.log(`${jobs.length} dead-lettered job(s)`);
      await dlq.close();
    } else {
      const ids = rest.includes('--all') ? undefined : rest;
      const result = await replayDeadLetters(fleet.ctx, fleet.store, allQueueDefs(), ids);
      console.log(`replayed ${result.replayed.length}: ${result.replayed.join(' ')}`);
      if (result.skipped.length > 0)
        console.error(`already with a person in human review, not replayed: ${result.skipped.join(' ')}`);
      if (result.missing.length > 0) {
        console.error(`not found or unreadable: ${result.missing.join(' ')}`);
        process.exitCode = 1;
      }
    }
  } finally {
    await fleet.close();
  }
}
