import { MAX_BODY_BYTES, TicketInput, describeZodError, type Ticket } from '@switchboard/core';
import {
  jobIdForTicket,
  type Producer,
  type TicketStatus,
  type TicketStore,
  type ticketsQueue,
} from '@switchboard/queues';

export type AcceptResult =
  | { ok: true; ticketId: string; status: TicketStatus; duplicate: boolean }
  | { ok: false; code: 'invalid_ticket' | 'too_large'; message: string; ticketId?: string };

/** Validates one ticket; `too_large` is separate so the API can answer 413 for an oversized body. */
export function validateTicket(
  raw: unknown,
  field = '',
): { ok: true; input: TicketInput } | Extract<AcceptResult, { ok: false }> {
  const id =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : undefined;
  const body = typeof raw === 'object' && raw !== null ? (raw as { body?: unknown }).body : undefined;
  if (typeof body === 'string' && Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    return {
      ok: false,
      code: 'too_large',
      message: `${field ? `${field}.` : ''}body: must be at most ${MAX_BODY_BYTES} bytes (32 KiB)`,
      ticketId: id,
    };
  }
  const parsed = TicketInput.safeParse(raw);
  if (!parsed.success)
    return { ok: false, code: 'invalid_ticket', message: describeZodError(parsed.error, field), ticketId: id };
  return { ok: true, input: parsed.data };
}

export type TicketProducer = Producer<typeof ticketsQueue.jobName, typeof ticketsQueue.schema>;

/**
 * Accepts valid tickets: a known id answers with its status and enqueues nothing; a new one is added
 * to the tickets queue and only then recorded, so "queued" is never said of a ticket Redis lacks.
 */
export async function acceptTickets(
  inputs: readonly TicketInput[],
  deps: { tickets: TicketProducer; store: TicketStore; now: () => Date },
): Promise<Extract<AcceptResult, { ok: true }>[]> {
  const existing = await Promise.all(inputs.map((t) => deps.store.status(t.id)));
  const receivedAt = deps.now().toISOString();
  const seen = new Map<string, TicketStatus>();
  const fresh: Ticket[] = [];
  const results = inputs.map((input, i) => {
    const known = existing[i] ?? seen.get(input.id);
    if (known) return { ok: true as const, ticketId: input.id, status: known, duplicate: true };
    seen.set(input.id, 'queued');
    fresh.push({ ...input, receivedAt });
    return { ok: true as const, ticketId: input.id, status: 'queued' as const, duplicate: false };
  });
  // One ticket goes in with a plain add: addBulk builds a Redis pipeline object per call, which
  // showed in ingest's profile; many go in with one addBulk round trip.
  const [only] = fresh;
  if (fresh.length === 1 && only) await deps.tickets.add(jobIdForTicket(only.id), { ticket: only });
  else if (fresh.length > 0)
    await deps.tickets.addMany(fresh.map((ticket) => ({ jobId: jobIdForTicket(ticket.id), data: { ticket } })));
  // Two requests racing with one new id both add (BullMQ keeps one job); only one of them marks it.
  const won = new Map(
    await Promise.all(fresh.map(async (t) => [t.id, await deps.store.markQueued(t.id, t.receivedAt)] as const)),
  );
  return results.map((r) => (!r.duplicate && won.get(r.ticketId) === false ? { ...r, duplicate: true } : r));
}
