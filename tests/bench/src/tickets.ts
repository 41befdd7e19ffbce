import { existsSync, readFileSync } from 'node:fs';
import type { Ticket } from '@switchboard/core';

/** The text of one ticket, without an id: the bench gives each use a fresh id. */
export interface TicketText {
  subject: string | undefined;
  body: string;
  language: string | undefined;
}

export interface Corpus {
  source: string;
  texts: TicketText[];
}

const MAX_BODY_CHARS = 8_000;

/**
 * Real ticket lengths matter for every figure (JSON size in Redis, prompt tokens, zod parsing), so the
 * shared desk data is preferred, read in place; the project's own eval set is the fallback.
 */
export function loadCorpus(candidates: readonly string[]): Corpus {
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const texts = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((line): TicketText[] => {
        const row = JSON.parse(line) as { subject?: unknown; body?: unknown; language?: unknown };
        if (typeof row.body !== 'string' || row.body.trim() === '') return [];
        return [
          {
            subject: typeof row.subject === 'string' ? row.subject.slice(0, 1000) : undefined,
            body: row.body.slice(0, MAX_BODY_CHARS),
            language: typeof row.language === 'string' && row.language.length >= 2 ? row.language : undefined,
          },
        ];
      });
    if (texts.length > 0) return { source: path, texts };
  }
  throw new Error(`no tickets found in ${candidates.join(', ')}`);
}

/** The n-th ticket of a run, cycling through the corpus, with an id unique to this run. */
export function ticketAt(corpus: Corpus, runId: string, n: number, receivedAt = new Date()): Ticket {
  const text = corpus.texts[n % corpus.texts.length];
  if (!text) throw new Error('empty corpus');
  return {
    id: `${runId}-${n}`,
    body: text.body,
    receivedAt: receivedAt.toISOString(),
    ...(text.subject !== undefined ? { subject: text.subject } : {}),
    ...(text.language !== undefined ? { language: text.language } : {}),
  };
}

/** Ingest's largest batch: the bench adds tickets in chunks of it, one round trip each, as a batch POST does. */
export const BATCH = 500;

export async function inBatches<T>(items: readonly T[], add: (batch: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await add(items.slice(i, i + BATCH));
}
