import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { LabelledDataError } from './errors.js';
import { parseLabelledCsv, parseLabelledJsonl, readLabelledTickets } from './labelled-tickets.js';

describe('readLabelledTickets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labelled-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads JSONL rows like ../shared/data, original_label as the fine label', async () => {
    const path = join(dir, 'train.jsonl');
    await writeFile(
      path,
      [
        '{"id": "a-1", "source": "x", "language": "de", "subject": "Rechnung", "body": "Doppelt belastet", "category": "billing", "priority": "high", "mapping_confidence": "high", "original_label": "Billing and Payments"}',
        '',
        '{"id": "a-2", "subject": "", "body": "I am still waiting on my card?", "category": "other", "original_label": "card_arrival"}',
      ].join('\n'),
    );
    expect(await readLabelledTickets(path)).toEqual([
      {
        id: 'a-1',
        subject: 'Rechnung',
        body: 'Doppelt belastet',
        category: 'billing',
        priority: 'high',
        fineLabel: 'Billing and Payments',
        language: 'de',
      },
      { id: 'a-2', subject: '', body: 'I am still waiting on my card?', category: 'other', fineLabel: 'card_arrival' },
    ]);
  });

  it('reads a helpdesk CSV export: quoted fields with commas, quotes and line breaks, other column names', async () => {
    const path = join(dir, 'export.csv');
    await writeFile(
      path,
      [
        'Ticket ID,Title,Description,Category,Priority,Queue,Lang',
        '17,"Refund, please","Charged twice:\r\n""once"" is enough",Billing,HIGH,Billing and Payments,en',
        '18,Login,Cannot log in,technical,,IT Support,',
      ].join('\r\n'),
    );
    expect(await readLabelledTickets(path)).toEqual([
      {
        id: '17',
        subject: 'Refund, please',
        body: 'Charged twice:\r\n"once" is enough',
        category: 'billing',
        priority: 'high',
        fineLabel: 'Billing and Payments',
        language: 'en',
      },
      { id: '18', subject: 'Login', body: 'Cannot log in', category: 'technical', fineLabel: 'IT Support' },
    ]);
  });

  it('reports every bad row by line number', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(
      path,
      [
        '{"subject": "ok", "body": "fine", "category": "sales"}',
        '{"subject": "x", "body": "y", "category": "refunds"}',
        '{"body": "", "category": "sales"}',
        '{not json',
        '{"body": "z", "category": "bug", "priority": "urgent"}',
      ].join('\n'),
    );
    const error = await readLabelledTickets(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabelledDataError);
    const problems = (error as LabelledDataError).problems;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(problems[0]?.message).toMatch(/category/);
    expect(problems[1]?.message).toMatch(/body must not be empty/);
    expect(problems[2]?.message).toMatch(/not valid JSON/);
    expect(problems[3]?.message).toMatch(/priority/);
    expect((error as Error).message).toMatch(/bad\.jsonl: 4 bad row\(s\)\n {2}line 2: /);
    expect(await readLabelledTickets(path, { skipInvalid: true })).toHaveLength(1);
  });

  it('reports CSV rows by the line they start on, counting line breaks inside quotes', () => {
    const csv = 'subject,body,category\n"a","multi\nline\nbody",sales\nb,c,nonsense\nd,e\n';
    const { rows, problems } = parseLabelledCsv(csv);
    expect(rows).toHaveLength(1);
    expect(problems).toEqual([
      { line: 5, message: expect.stringMatching(/category/) as string },
      { line: 6, message: 'has 2 fields; the header has 3' },
    ]);
  });

  it('names the missing columns of a CSV header', () => {
    expect(parseLabelledCsv('subject,text\na,b\n').problems[0]?.message).toMatch(/needs a column category/);
    expect(parseLabelledCsv('title,category\na,b\n').problems[0]?.message).toMatch(/body or description/);
  });

  it('reports an unterminated quote', () => {
    expect(parseCsv('a,b\n1,"open\n').error).toEqual({ line: 2, message: 'a quoted field is never closed' });
  });

  it('accepts a JSONL description field and null optionals', () => {
    const { rows, problems } = parseLabelledJsonl(
      '{"description": "d", "category": "Other", "priority": null, "language": null}',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ subject: '', body: 'd', category: 'other' }]);
  });
});
