import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allQueueDefs, driftQueue, webhooksQueue } from './definitions.js';
import { readGeneratedSection, sectionMarkers, writeGeneratedSection } from './generated-section.js';
import { retrying } from './job-policy.js';
import { describeRetries, QUEUE_TABLE_SECTION, renderQueueTable } from './queue-table.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

describe('the README queue table', () => {
  it('is the table the catalog renders', async () => {
    const readme = await readFile(README, 'utf8');
    const section = readGeneratedSection(readme, QUEUE_TABLE_SECTION);
    const { start, end } = sectionMarkers(QUEUE_TABLE_SECTION);
    if (section === undefined)
      expect.fail(
        `README.md has no ${start} … ${end} markers: add them where the queue table belongs, then run pnpm run docs`,
      );
    expect(section, 'README.md’s queue table is out of date: run pnpm run docs').toBe(renderQueueTable());
  });

  it('has a row for every queue, the per-team queues sharing one', () => {
    const table = renderQueueTable();
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| queue'));
    const named = allQueueDefs().filter((d) => !d.doc.family);
    expect(rows).toHaveLength(named.length + 1);
    for (const def of named) expect(table).toContain(`\`${def.queueName}\``);
    expect(table).toContain('`team-<team>` (one per team, 6)');
    expect(table).toContain('Completed and failed jobs of every queue are kept 7 days, at most 100,000.');
  });

  it('says how long an outage the retries outlast', () => {
    expect(describeRetries(driftQueue.policy)).toBe('4 tries; waits 15 min, 30 min, 1 h');
    expect(describeRetries(webhooksQueue.policy)).toBe('8 tries; waits 2 s doubling to 2 min');
    expect(describeRetries(retrying(3, { type: 'fixed', delayMs: 500 }))).toBe('3 tries, 0.5 s apart');
    expect(describeRetries(retrying(1, { type: 'fixed', delayMs: 500 }))).toBe('1 try');
  });
});

describe('a generated section', () => {
  const doc = ['# Title', '', sectionMarkers('x').start, 'old', sectionMarkers('x').end, '', 'after'].join('\n');

  it('is replaced between its markers and nowhere else', () => {
    const written = writeGeneratedSection(doc, 'x', 'new\ntext');
    expect(readGeneratedSection(written, 'x')).toBe('new\ntext');
    expect(written.startsWith('# Title\n\n')).toBe(true);
    expect(written.endsWith('\n\nafter')).toBe(true);
    expect(writeGeneratedSection(written, 'x', 'new\ntext')).toBe(written);
  });

  it('cannot be written or read without its markers', () => {
    expect(readGeneratedSection(doc, 'y')).toBeUndefined();
    expect(() => writeGeneratedSection(doc, 'y', 'z')).toThrow(/generated:y:start/);
  });
});
