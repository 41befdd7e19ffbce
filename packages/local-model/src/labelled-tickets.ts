import { readFile } from 'node:fs/promises';
import { Category, Priority } from '@switchboard/core';
import { z } from 'zod';
import { parseCsv } from './csv.js';
import { LabelledDataError } from './errors.js';
import type { LabelledTicket } from './types.js';

/** Labels from exports differ in case and spacing ("Billing ", "HIGH"); an empty cell is no value. */
const label = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : (v ?? undefined)), schema);
const text = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() || undefined : (v ?? undefined)),
  z.string().max(200).optional(),
);

/** One labelled row after the source's column names are mapped to ours. */
const LabelledRow = z.object({
  id: z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() || undefined : undefined),
    z.string().max(200).optional(),
  ),
  subject: z.string().default(''),
  body: z.string().refine((s) => s.trim().length > 0, 'body must not be empty'),
  category: label(Category),
  priority: label(Priority.optional()),
  fineLabel: text,
  language: text,
});

export interface ParsedLabelledTickets {
  rows: LabelledTicket[];
  problems: { line: number; message: string }[];
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

function toTicket(
  raw: Record<string, unknown>,
  line: number,
  problems: ParsedLabelledTickets['problems'],
): LabelledTicket | null {
  const parsed = LabelledRow.safeParse(raw);
  if (!parsed.success) {
    problems.push({ line, message: describe(parsed.error) });
    return null;
  }
  const r = parsed.data;
  return {
    ...(r.id ? { id: r.id } : {}),
    subject: r.subject,
    body: r.body,
    category: r.category,
    ...(r.priority ? { priority: r.priority } : {}),
    ...(r.fineLabel ? { fineLabel: r.fineLabel } : {}),
    ...(r.language ? { language: r.language } : {}),
  };
}

/** JSONL as in ../shared/data: {id, subject, body, category, priority?, original_label?, language?}. */
export function parseLabelledJsonl(content: string): ParsedLabelledTickets {
  const rows: LabelledTicket[] = [];
  const problems: ParsedLabelledTickets['problems'] = [];
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ line: i + 1, message: `not valid JSON (${(err as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ line: i + 1, message: 'not a JSON object' });
      return;
    }
    const o = value as Record<string, unknown>;
    const ticket = toTicket(
      {
        id: o.id,
        subject: o.subject ?? undefined,
        body: o.body ?? o.description,
        category: o.category,
        priority: o.priority,
        fineLabel: o.original_label ?? o.fineLabel ?? o.queue ?? o.intent,
        language: o.language,
      },
      i + 1,
      problems,
    );
    if (ticket) rows.push(ticket);
  });
  return { rows, problems };
}

/** Header names a helpdesk export may use for each of our fields, first match wins. */
const COLUMNS = {
  id: ['id', 'ticket_id', 'external_id'],
  subject: ['subject', 'title', 'summary'],
  body: ['body', 'description', 'text', 'message', 'content'],
  category: ['category'],
  priority: ['priority'],
  fineLabel: ['original_label', 'fine_label', 'queue', 'intent'],
  language: ['language', 'lang'],
} as const;

/** CSV with a header row; quoted fields may hold commas, quotes and line breaks. */
export function parseLabelledCsv(content: string): ParsedLabelledTickets {
  const { records, error } = parseCsv(content);
  const problems: ParsedLabelledTickets['problems'] = error ? [error] : [];
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [...problems, { line: 1, message: 'no header row' }] };
  const names = header.fields.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const column = (field: keyof typeof COLUMNS): number => {
    for (const name of COLUMNS[field]) {
      const at = names.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  };
  const at = {
    id: column('id'),
    subject: column('subject'),
    body: column('body'),
    category: column('category'),
    priority: column('priority'),
    fineLabel: column('fineLabel'),
    language: column('language'),
  };
  const missing = (['body', 'category'] as const).filter((f) => at[f] < 0);
  if (missing.length) {
    const want = missing.map((f) => COLUMNS[f].join(' or ')).join(', ');
    return {
      rows: [],
      problems: [
        ...problems,
        { line: header.line, message: `header needs a column ${want}; found ${names.join(', ')}` },
      ],
    };
  }
  const rows: LabelledTicket[] = [];
  for (const record of body) {
    if (record.fields.length !== header.fields.length) {
      problems.push({
        line: record.line,
        message: `has ${record.fields.length} fields; the header has ${header.fields.length}`,
      });
      continue;
    }
    const cell = (i: number): string | undefined => (i >= 0 ? record.fields[i] : undefined);
    const ticket = toTicket(
      {
        id: cell(at.id),
        subject: cell(at.subject),
        body: cell(at.body),
        category: cell(at.category),
        priority: cell(at.priority),
        fineLabel: cell(at.fineLabel),
        language: cell(at.language),
      },
      record.line,
      problems,
    );
    if (ticket) rows.push(ticket);
  }
  return { rows, problems };
}

/** CSV when the name ends in .csv or the content does not start with `{`; JSONL otherwise. */
export function parseLabelledTickets(content: string, source: string): ParsedLabelledTickets {
  const isCsv =
    /\.csv$/i.test(source) || (!/\.(jsonl|ndjson|json)$/i.test(source) && !content.trimStart().startsWith('{'));
  return isCsv ? parseLabelledCsv(content) : parseLabelledJsonl(content);
}

/**
 * Reads labelled tickets from JSONL or CSV and validates every row. Any bad row is a
 * LabelledDataError listing each one by line number, unless `skipInvalid` keeps the good rows.
 */
export async function readLabelledTickets(
  path: string,
  opts: { skipInvalid?: boolean } = {},
): Promise<LabelledTicket[]> {
  const { rows, problems } = parseLabelledTickets(await readFile(path, 'utf8'), path);
  if (problems.length && !opts.skipInvalid) throw new LabelledDataError(path, problems);
  return rows;
}
