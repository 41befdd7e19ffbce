import type { z } from 'zod';
import { allQueueDefs, type QueueDef } from './definitions.js';
import type { JobPolicy } from './job-policy.js';

/** The README section `pnpm run docs` rewrites from the catalog. */
export const QUEUE_TABLE_SECTION = 'queues';

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(1))} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Number((s / 3600).toFixed(1))} h`;
}

/** The waits between tries, as an operator plans an outage around them. */
export function describeRetries(policy: JobPolicy): string {
  const { attempts, backoff } = policy;
  const tries = `${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
  if (attempts < 2) return tries;
  const waits = Array.from({ length: attempts - 1 }, (_, i) =>
    backoff.type === 'exponential' ? backoff.delayMs * 2 ** i : backoff.delayMs,
  );
  if (backoff.type === 'fixed') return `${tries}, ${formatDuration(backoff.delayMs)} apart`;
  const last = waits.at(-1) ?? backoff.delayMs;
  return waits.length <= 4
    ? `${tries}; waits ${waits.map(formatDuration).join(', ')}`
    : `${tries}; waits ${formatDuration(backoff.delayMs)} doubling to ${formatDuration(last)}`;
}

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The README's queue table, rendered from the catalog: each queue with who adds to it and who takes
 * from it, its job, payload and job id, and the policy every job gets (retries, priority); retention,
 * the same for most queues, follows as one line per policy. Queues of one family (the per-team
 * queues) share a row. Pure, so the test and `pnpm run docs` render the same text.
 */
export function renderQueueTable(defs: readonly QueueDef<string, z.ZodType>[] = allQueueDefs()): string {
  const rows: { key: string; cells: string[] }[] = [];
  const families = new Map<string, number>();
  const kept = new Map<string, string[]>();
  for (const def of defs) {
    const { doc } = def;
    const name = doc.family ?? `\`${def.queueName}\``;
    const { days, count } = def.policy.retention;
    const retention = `${days} days, at most ${thousands(count)}`;
    if (!kept.get(retention)?.includes(name)) kept.set(retention, [...(kept.get(retention) ?? []), name]);
    if (doc.family !== undefined) {
      families.set(doc.family, (families.get(doc.family) ?? 0) + 1);
      if ((families.get(doc.family) ?? 0) > 1) continue;
    }
    const producer = def.scheduler ? `job scheduler (${def.scheduler.describe}), ${doc.producer}` : doc.producer;
    const retries = doc.readByPeople
      ? 'none (no worker)'
      : describeRetries(def.policy) + (doc.overrides ? ` (override: ${doc.overrides})` : '');
    const priority = def.priority ? `; priority ${def.priority.describe}` : '';
    rows.push({
      key: name,
      cells: [name, `${producer} → ${doc.consumer}`, `\`${def.jobName}\``, doc.payload, doc.jobId, retries + priority],
    });
  }
  for (const row of rows) {
    const count = families.get(row.key);
    if (count !== undefined && count > 1) row.cells[0] = `${row.key} (one per team, ${count})`;
  }
  const header = ['queue', 'producer → consumer', 'job', 'payload', 'job id', 'retries'];
  const retention = [...kept].map(([policy, names]) =>
    kept.size === 1
      ? `Completed and failed jobs of every queue are kept ${policy}.`
      : `Completed and failed jobs are kept ${policy}: ${names.join(', ')}.`,
  );
  return [
    '<!-- Generated from packages/queues/src/definitions.ts by `pnpm run docs`; edit the catalog, not this table. -->',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.cells.map(cell).join(' | ')} |`),
    '',
    ...retention,
  ].join('\n');
}
