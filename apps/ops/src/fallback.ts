import { requestDriftCheck } from '@switchboard/drift';
import { openFleetContext } from '@switchboard/queues';
import { commonEnv, parseEnv, type Logger } from '@switchboard/runtime';
import { options } from './args.js';

export const FALLBACK_USAGE = 'pnpm ops fallback status | on --cap <usd-per-day> [--reason "..."] | off';
export const DRIFT_USAGE = 'pnpm ops drift run';

async function withFleet(
  logger: Logger,
  f: (fleet: Awaited<ReturnType<typeof openFleetContext>>) => Promise<void>,
): Promise<void> {
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
    await f(fleet);
  } finally {
    await fleet.close();
  }
}

/** The fleet-wide cheap-tier switch, for the person on call. */
export async function fallback(argv: readonly string[], logger: Logger): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== 'status' && command !== 'on' && command !== 'off') throw new Error(`usage: ${FALLBACK_USAGE}`);
  const o = options(rest, command === 'on' ? ['cap', 'reason'] : []);
  await withFleet(logger, async (fleet) => {
    if (command === 'status') {
      const { state, invalid } = await fleet.fallback.get();
      const spent = await fleet.fallback.spent(new Date());
      if (!state) console.log('fallback off: the cheap tier is in use');
      else
        console.log(
          `fallback ON since ${state.since} (by ${state.by}: ${state.reason}); strong-tier spend today $${spent.toFixed(4)} of $${state.dailyCapUsd}${invalid ? ' — the stored value is unreadable; run `off` to clear it' : ''}`,
        );
    } else if (command === 'off') {
      console.log(
        (await fleet.fallback.clear())
          ? 'fallback off: classifiers use the cheap tier again within a second'
          : 'fallback was already off',
      );
    } else {
      const cap = Number(o.cap);
      if (o.cap === undefined || !(cap >= 0))
        throw new Error(
          '--cap <usd-per-day> is required: the most the strong tier may cost per day while the fallback is on',
        );
      const set = await fleet.fallback.set({
        cheapOff: true,
        since: new Date().toISOString(),
        by: 'operator',
        reason: o.reason ?? 'switched on by an operator',
        dailyCapUsd: cap,
      });
      console.log(
        set
          ? `fallback ON: the cheap tier is off, strong-tier spend capped at $${cap}/day`
          : 'fallback was already on (switch it off first to change it)',
      );
    }
  });
}

export async function drift(argv: readonly string[], logger: Logger): Promise<void> {
  if (argv[0] !== 'run') throw new Error(`usage: ${DRIFT_USAGE}`);
  await withFleet(logger, async (fleet) => {
    const id = await requestDriftCheck(fleet.ctx);
    console.log(`drift check ${id} queued; a running drift app picks it up and posts the results`);
  });
}
