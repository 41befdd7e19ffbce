// Child-process entry: one hop of the bare BullMQ chain (see bare-chain.ts), options as argv JSON;
// says 'ready' over IPC once its worker runs and exits when the parent says 'close'.
import { createRedis } from '@switchboard/queues';
import { startHop } from './bare-chain.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as {
  redisUrl: string;
  prefix: string;
  hop: 0 | 1;
  concurrency: number;
};
const redis = createRedis(opts.redisUrl, 'worker');
const hop = startHop(redis, opts.prefix, opts.hop, opts.concurrency);
await hop.worker.waitUntilReady();
process.on('message', (msg: unknown) => {
  if (msg === 'close')
    void hop
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0));
});
process.send?.('ready');
