// `pnpm run docs`: rewrites the generated sections of the README and docs/ from their declarations,
// so the tables a newcomer reads cannot drift from the code. The tests that check each section say
// to run this. Each table has its own module and its own marked section.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { QUEUE_TABLE_SECTION, renderQueueTable, writeGeneratedSection } from '@switchboard/queues';
import { withConfigTable } from './docs/config-table.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const CONFIGURATION = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** The queue table (producer → queue → consumer, payload, retries) from the queue catalog. */
export const writeQueueTable = (readme: string): string =>
  writeGeneratedSection(readme, QUEUE_TABLE_SECTION, renderQueueTable());

async function rewrite(path: string, name: string, render: (text: string) => string): Promise<void> {
  const before = await readFile(path, 'utf8');
  const after = render(before);
  if (after === before) console.log(`${name} is up to date`);
  else {
    await writeFile(path, after);
    console.log(`${name}: generated sections rewritten`);
  }
}

await rewrite(README, 'README.md', writeQueueTable);
// The configuration reference: variable, owning package, apps that read it, default, description.
await rewrite(CONFIGURATION, 'docs/configuration.md', (doc) => withConfigTable(doc));
