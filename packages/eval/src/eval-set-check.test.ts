import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CRITICAL_KEYWORDS, DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { checkEvalSet, type EvalSetRequirements } from './eval-set-check.js';
import { EvalSetError, parseEvalRows, type EvalRow } from './eval-set.js';

const SET = fileURLToPath(new URL('../../../eval/sets/switchboard-eval.jsonl', import.meta.url));
const REQ: EvalSetRequirements = {
  minRows: 300,
  minPerCategory: 40,
  minPerLanguage: { en: 150, de: 40, tr: 40 },
  minPerTag: 10,
  routing: DEFAULT_ROUTING_TABLE,
  criticalKeywords: DEFAULT_CRITICAL_KEYWORDS,
};

describe('the project eval set (CI schema check)', () => {
  it('parses row by row and meets every coverage and labelling rule', async () => {
    const rows = parseEvalRows(await readFile(SET, 'utf8'), SET);
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(checkEvalSet(rows, REQ)).toEqual([]);
  });
});

describe('checkEvalSet', () => {
  const base = async (): Promise<EvalRow[]> => parseEvalRows(await readFile(SET, 'utf8'), SET);

  it('names a row whose team contradicts the routing table, a hidden critical keyword and a wrong escalation', async () => {
    const rows = await base();
    const plain = rows.findIndex((r) => r.tags.length === 0 && r.expected.category === 'billing');
    const row = rows[plain] as EvalRow;
    rows[plain] = { ...row, body: `${row.body} This is urgent.`, expected: { ...row.expected, team: 'sales' } };
    const problems = checkEvalSet(rows, REQ);
    expect(problems).toContain(`${row.id}: team sales is not the routing table's billing_support for billing`);
    expect(problems).toContain(`${row.id}: contains "urgent" but is not tagged critical`);
  });

  it('reports thin coverage: a set without Turkish and without sarcasm fails', async () => {
    const rows = (await base()).filter((r) => r.language !== 'tr' && !r.tags.includes('sarcasm'));
    const problems = checkEvalSet(rows, REQ);
    expect(problems).toContain('language tr: 0 rows, at least 40 needed');
    expect(problems).toContain('tag sarcasm: 0 rows, at least 10 needed');
  });
});

describe('parseEvalRows', () => {
  it('rejects the set naming each bad line and field', () => {
    const good =
      '{"id":"a-1","subject":"","body":"hi","language":"en","expected":{"category":"billing","priority":"low","team":"billing_support","escalation":false},"tags":[]}';
    const bad = good.replace('"billing",', '"finance",').replace('a-1', 'a-2');
    const extra = good.replace('"tags":[]', '"tags":[],"note":"x"').replace('a-1', 'a-3');
    expect(() => parseEvalRows([good, bad, 'nope', extra].join('\n'), 'set.jsonl')).toThrow(EvalSetError);
    try {
      parseEvalRows([good, bad, 'nope', extra].join('\n'), 'set.jsonl');
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('set.jsonl:2: expected.category');
      expect(msg).toContain('set.jsonl:3: not JSON');
      expect(msg).toContain('set.jsonl:4:');
      expect(msg).toContain('note');
    }
  });
});
