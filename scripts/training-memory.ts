/**
 * Measures what the training store costs in Redis per ticket: replays a public ticket set from
 * ../shared/data into a TrainingStore under a throw-away prefix (labelled rows, with a customer e-mail
 * each, as escalation records them), reads MEMORY USAGE over the store's keys, prints bytes per ticket
 * and per 10k tickets, and deletes the prefix.
 *
 *   pnpm exec tsx scripts/training-memory.ts [banking77|tobi|bitext] [--rows 10000]
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Category, Priority } from '@switchboard/core';
import { LabelSource, TrainingStore } from '@switchboard/queues';

const { values, positionals } = parseArgs({
  options: { rows: { type: 'string', default: '10000' } },
  allowPositionals: true,
});
const set = positionals[0] ?? 'banking77';
const file = fileURLToPath(new URL(`../../shared/data/${set}/train.jsonl`, import.meta.url));
if (!existsSync(file)) {
  console.error(`skip: ${file} not found (the public sets live in ../shared/data)`);
  process.exit(0);
}
const max = Number(values.rows);
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, max);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `measure-training-${randomBytes(4).toString('hex')}`;
const store = new TrainingStore(redis, prefix, { retentionDays: 180, maxRows: 1_000_000, cheapConfirmDays: 7 });
const sources = LabelSource.options;
try {
  const t0 = Date.now();
  let textBytes = 0;
  for (const [i, line] of lines.entries()) {
    const r = JSON.parse(line) as {
      id: string;
      subject?: string;
      body: string;
      language?: string;
      category: string;
      priority?: string;
    };
    textBytes += Buffer.byteLength((r.subject ?? '') + r.body);
    await store.record(
      {
        ticketId: `t-${i}-${r.id}`.slice(0, 128),
        subject: r.subject ?? '',
        body: r.body,
        language: r.language,
        category: Category.catch('other').parse(r.category),
        priority: Priority.optional().catch(undefined).parse(r.priority),
        source: sources[i % sources.length] ?? 'strong',
        decidedBy: { tier: 'strong', model: 'gpt-4o' },
        at: new Date(Date.now() - (lines.length - i) * 1000).toISOString(),
      },
      `customer${i % 3000}@example.com`,
    );
  }
  const ms = Date.now() - t0;
  const u = await store.usage();
  const perTicket = u.bytes / u.rows;
  console.log(`set ${set}: ${u.rows} rows, text ${(textBytes / u.rows).toFixed(0)} bytes/ticket on average`);
  console.log(
    `training store in Redis: ${(u.bytes / 1024 / 1024).toFixed(2)} MiB = ${perTicket.toFixed(0)} bytes per ticket ` +
      `(${((perTicket * 10_000) / 1024 / 1024).toFixed(1)} MiB per 10k tickets; ` +
      `${((perTicket * 200_000) / 1024 / 1024).toFixed(0)} MiB at the default TRAINING_MAX_ROWS 200000)`,
  );
  console.log(`write rate: ${((u.rows / ms) * 1000).toFixed(0)} rows/s from one connection`);
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
