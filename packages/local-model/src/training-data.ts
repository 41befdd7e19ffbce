import { createHash } from 'node:crypto';
import { CATEGORIES, PRIORITIES, type Category, type Priority } from '@switchboard/core';
import type { LabelledTicket } from './types.js';

/** The label space of a training set: fine labels, the category each sums into, and the priorities. */
export interface LabelSpace {
  /** Names of the fine labels as the file shows them. */
  readonly fine: string[];
  readonly fineCategory: Category[];
  /** Fine label index of each row. */
  readonly fineOfRow: Int32Array;
  /** Priorities present, in taxonomy order; empty when no row has one. */
  readonly priorities: Priority[];
  /** Priority index of each row, -1 when the row has none. */
  readonly priorityOfRow: Int32Array;
}

/**
 * Fine labels are the rows' `fineLabel` (an intent, a queue) or else their category. A fine label
 * used under two categories is split in two, so that every fine label sums into exactly one category.
 */
export function labelSpace(rows: readonly LabelledTicket[]): LabelSpace {
  const categoriesOfName = new Map<string, Set<Category>>();
  for (const r of rows) {
    const name = r.fineLabel ?? r.category;
    const set = categoriesOfName.get(name) ?? new Set<Category>();
    set.add(r.category);
    categoriesOfName.set(name, set);
  }
  const display = (r: LabelledTicket): string => {
    const name = r.fineLabel ?? r.category;
    return (categoriesOfName.get(name)?.size ?? 0) > 1 ? `${name} (${r.category})` : name;
  };
  const index = new Map<string, number>();
  const fine: string[] = [];
  const fineCategory: Category[] = [];
  // Sorted by category, then name: the label order (and so the file) does not depend on row order.
  const distinct = [...new Map(rows.map((r) => [display(r), r.category])).entries()].sort(
    ([a, ca], [b, cb]) => CATEGORIES.indexOf(ca) - CATEGORIES.indexOf(cb) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const [name, category] of distinct) {
    index.set(name, fine.length);
    fine.push(name);
    fineCategory.push(category);
  }
  const fineOfRow = Int32Array.from(rows, (r) => index.get(display(r)) ?? 0);
  const priorities = PRIORITIES.filter((p) => rows.some((r) => r.priority === p));
  const priorityOfRow = Int32Array.from(rows, (r) => (r.priority ? priorities.indexOf(r.priority) : -1));
  return { fine, fineCategory, fineOfRow, priorities, priorityOfRow };
}

/** sha256 over the rows' text and labels in order: which data a model file was trained on. */
export function trainingDataHash(rows: readonly LabelledTicket[]): string {
  const hash = createHash('sha256');
  for (const r of rows) {
    hash.update(
      JSON.stringify([r.subject, r.body, r.category, r.priority ?? null, r.fineLabel ?? null, r.language ?? null]),
    );
    hash.update('\n');
  }
  return hash.digest('hex');
}
