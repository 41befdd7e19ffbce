// `pnpm run docs`: rewrites the README's generated sections from their declarations, so the tables a
// newcomer reads cannot drift from the code. The tests that check each section say to run this.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { QUEUE_TABLE_SECTION, renderQueueTable, writeGeneratedSection } from '@switchboard/queues';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

/** The queue table (producer → queue → consumer, payload, retries) from the queue catalog. */
export const writeQueueTable = (readme: string): string =>
  writeGeneratedSection(readme, QUEUE_TABLE_SECTION, renderQueueTable());

const before = await readFile(README, 'utf8');
const after = writeQueueTable(before);
if (after === before) console.log('README.md is up to date');
else {
  await writeFile(README, after);
  console.log('README.md: generated sections rewritten');
}
