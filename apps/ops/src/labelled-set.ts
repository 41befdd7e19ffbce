import { readFile } from 'node:fs/promises';
import { Category, Priority } from '@switchboard/core';
import { readLabelledTickets, type LabelledTicket } from '@switchboard/local-model';
import { z } from 'zod';

/** Rows of the project's eval sets carry their labels under `expected`. */
const EvalRow = z.object({
  id: z.string().optional(),
  subject: z.string().default(''),
  body: z.string().min(1),
  language: z.string().optional(),
  expected: z.object({ category: Category, priority: Priority.optional() }),
});

/** Reads a labelled set: the project's eval format, or any JSONL/CSV that `train` reads. */
export async function readLabelledSet(path: string): Promise<LabelledTicket[]> {
  if (path.endsWith('.jsonl')) {
    const first = (await readFile(path, 'utf8')).split('\n').find((l) => l.trim());
    if (first && 'expected' in (JSON.parse(first) as object)) {
      const lines = (await readFile(path, 'utf8')).split('\n');
      return lines.flatMap((line, i) => {
        if (!line.trim()) return [];
        const row = EvalRow.safeParse(JSON.parse(line));
        if (!row.success) throw new Error(`${path}:${i + 1}: ${row.error.issues[0]?.message ?? 'invalid row'}`);
        return [
          {
            id: row.data.id,
            subject: row.data.subject,
            body: row.data.body,
            category: row.data.expected.category,
            priority: row.data.expected.priority,
            language: row.data.language,
          },
        ];
      });
    }
  }
  return readLabelledTickets(path);
}
