import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Category, describeZodError, Priority, Team, type RoutingTable } from '@switchboard/core';
import { readLabelledTickets } from '@switchboard/local-model';

/** One row of the project's eval set (eval/sets/*.jsonl): the ticket and what should happen to it. */
export const EvalRow = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, ".", "_" or "-", at most 128'),
  subject: z.string(),
  body: z.string().min(1),
  language: z.enum(['en', 'de', 'tr']),
  expected: z.strictObject({ category: Category, priority: Priority, team: Team, escalation: z.boolean() }),
  tags: z.array(z.string().min(1)),
});
export type EvalRow = z.infer<typeof EvalRow>;

/**
 * What the runner scores one ticket against. Sets from elsewhere (a helpdesk export, ../shared/data)
 * have a category and sometimes a priority; their team is the routing table's, and they say nothing
 * about escalation, so escalation is scored only on sets that do.
 */
export interface EvalItem {
  id: string;
  subject: string;
  body: string;
  language?: string | undefined;
  expected: { category: Category; priority?: Priority | undefined; team: Team; escalation?: boolean | undefined };
  tags: string[];
}

export class EvalSetError extends Error {
  override name = 'EvalSetError';
}

/** Parses the project's format; every bad line is named, and one bad line rejects the set. */
export function parseEvalRows(content: string, source: string): EvalRow[] {
  const rows: EvalRow[] = [];
  const problems: string[] = [];
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problems.push(`${source}:${i + 1}: not JSON (${(err as Error).message})`);
      return;
    }
    const row = EvalRow.safeParse(json);
    if (row.success) rows.push(row.data);
    else problems.push(`${source}:${i + 1}: ${describeZodError(row.error)}`);
  });
  if (problems.length)
    throw new EvalSetError(`${problems.length} invalid row(s):\n${problems.slice(0, 20).join('\n')}`);
  return rows;
}

const isProjectFormat = (content: string): boolean => {
  const first = content.split('\n').find((l) => l.trim());
  if (!first) return false;
  try {
    const json: unknown = JSON.parse(first);
    return typeof json === 'object' && json !== null && 'expected' in json;
  } catch {
    return false;
  }
};

export const itemFromRow = (r: EvalRow): EvalItem => ({
  id: r.id,
  subject: r.subject,
  body: r.body,
  language: r.language,
  expected: r.expected,
  tags: r.tags,
});

export interface LoadedSet {
  items: EvalItem[];
  /** Identifies the set in run files: a baseline on another set is not paired with this one. */
  info: { path: string; rows: number; sha256: string };
}

/** Reads any labelled set: the project's eval format, or the JSONL/CSV that `train` reads. */
export async function readEvalSet(path: string, routing: RoutingTable, label = path): Promise<LoadedSet> {
  const content = await readFile(path, 'utf8');
  const items =
    path.endsWith('.jsonl') && isProjectFormat(content)
      ? parseEvalRows(content, path).map(itemFromRow)
      : await readForeign(path, routing);
  return {
    items,
    info: { path: label, rows: items.length, sha256: createHash('sha256').update(content).digest('hex') },
  };
}

async function readForeign(path: string, routing: RoutingTable): Promise<EvalItem[]> {
  const rows = await readLabelledTickets(path);
  return rows.map((r, i) => ({
    id: `row-${i + 1}`,
    subject: r.subject,
    body: r.body,
    language: r.language,
    expected: { category: r.category, priority: r.priority, team: routing[r.category] },
    tags: [],
  }));
}
