import { FNV_OFFSET, fmix32, fnvStep } from './hash.js';
import { isWordCode } from './text-keys.js';

/**
 * A 32-bit fingerprint of every training row, kept in the model file so that `calibrate` can tell
 * when it is handed the rows the model learned from (whose accuracy says nothing about new
 * tickets). Two fingerprints: the ticket's normalised text, and its id when it has one. 32 bits
 * against a few thousand rows makes a false match about one in a million per checked row.
 */
export interface TrainingRowHashes {
  /** Sorted, distinct hashes of the rows' normalised subject + body. */
  readonly text: Uint32Array;
  /** Sorted, distinct hashes of the rows' ids; empty when the rows had none. */
  readonly ids: Uint32Array;
}

/** The text the fingerprint covers: lower-case letters and digits of subject and body, one space between runs. */
export function normaliseTicketText(subject: string, body: string): string {
  const text = `${subject} ${body}`.normalize('NFKC').toLowerCase();
  let out = '';
  let i = 0;
  while (i < text.length) {
    while (i < text.length && !isWordCode(text.charCodeAt(i))) i++;
    const start = i;
    while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
    if (i > start) out += (out ? ' ' : '') + text.slice(start, i);
  }
  return out;
}

function hashString(s: string, salt: number): number {
  let h = FNV_OFFSET ^ salt;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return fmix32(h);
}

const TEXT_SALT = 0x2c1b3c6d;
const ID_SALT = 0x297a2d39;

export const ticketTextHash = (subject: string, body: string): number =>
  hashString(normaliseTicketText(subject, body), TEXT_SALT);
export const ticketIdHash = (id: string): number => hashString(id.trim(), ID_SALT);

const sortedDistinct = (values: Iterable<number>): Uint32Array => Uint32Array.from(new Set(values)).sort();

export function trainingRowHashes(
  rows: readonly { id?: string | undefined; subject: string; body: string }[],
): TrainingRowHashes {
  return {
    text: sortedDistinct(rows.map((r) => ticketTextHash(r.subject, r.body))),
    ids: sortedDistinct(rows.flatMap((r) => (r.id ? [ticketIdHash(r.id)] : []))),
  };
}

function contains(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Whether the model was trained on this ticket (by id or by normalised text). */
export function isTrainingRow(
  hashes: TrainingRowHashes,
  row: { id?: string | undefined; subject: string; body: string },
): boolean {
  if (row.id !== undefined && row.id !== '' && contains(hashes.ids, ticketIdHash(row.id))) return true;
  return contains(hashes.text, ticketTextHash(row.subject, row.body));
}

export interface TrainingOverlap {
  /** Rows checked. */
  rows: number;
  /** Rows that are in the training data, by id or by text. */
  overlapping: number;
  byId: number;
  byText: number;
  /** Up to five of them, for the error message: row number (1-based), id if any, start of the text. */
  examples: { row: number; id?: string; text: string }[];
}

/** Which of `rows` the model was trained on, by ticket id or normalised text. */
export function findTrainingOverlap(
  hashes: TrainingRowHashes,
  rows: readonly { id?: string | undefined; subject: string; body: string }[],
): TrainingOverlap {
  const out: TrainingOverlap = { rows: rows.length, overlapping: 0, byId: 0, byText: 0, examples: [] };
  rows.forEach((r, i) => {
    const id = r.id !== undefined && r.id !== '' && contains(hashes.ids, ticketIdHash(r.id));
    const text = contains(hashes.text, ticketTextHash(r.subject, r.body));
    if (!id && !text) return;
    out.overlapping++;
    if (id) out.byId++;
    if (text) out.byText++;
    if (out.examples.length < 5) {
      const shown = normaliseTicketText(r.subject, r.body);
      out.examples.push({
        row: i + 1,
        ...(r.id ? { id: r.id } : {}),
        text: shown.length > 60 ? `${shown.slice(0, 57)}...` : shown,
      });
    }
  });
  return out;
}
