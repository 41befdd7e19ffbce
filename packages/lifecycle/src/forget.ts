import type { JobType } from 'bullmq';
import type { z } from 'zod';
import {
  inspectQueue,
  type QueueContext,
  type QueueDef,
  type TicketStore,
  type TrainingStore,
} from '@switchboard/queues';

/** Whose text to erase: a customer by e-mail address, and/or tickets by id. */
export interface ForgetTarget {
  email?: string;
  ticketIds?: readonly string[];
}

/** Another place that keeps ticket text (the review desk's eval candidates): erases it for these tickets. */
export interface Eraser {
  place: string;
  forget(ticketIds: readonly string[]): Promise<Record<string, number>>;
}

export interface ForgetDeps {
  ctx: QueueContext;
  store: TicketStore;
  training: TrainingStore;
  /** Every queue whose kept jobs may carry the ticket (`allQueueDefs()`). */
  queues: readonly QueueDef<string, z.ZodType>[];
  erasers?: readonly Eraser[];
  clock?: () => Date;
}

export interface ForgetReport {
  /** The tickets found for the target, sorted. */
  tickets: string[];
  /** Removed or scrubbed, per place (e.g. `training store rows`, `jobs in decisions`). */
  removed: Record<string, number>;
  /** Jobs a worker held at that moment, which could not be removed: run `forget` again once they finish. */
  busy: string[];
}

const JOB_STATES: JobType[] = [
  'waiting',
  'prioritized',
  'delayed',
  'waiting-children',
  'completed',
  'failed',
  'active',
];
const PAGE = 500;

interface Refs {
  ids: Set<string>;
  emails: Set<string>;
}

/**
 * The tickets and customer e-mail addresses a job's payload refers to, wherever they sit in it: a ticket
 * (`{ id, body, customer }`, also inside a dead letter's copy of the original payload) or a `ticketId`.
 */
export function payloadRefs(data: unknown, refs: Refs = { ids: new Set(), emails: new Set() }): Refs {
  if (Array.isArray(data)) {
    for (const v of data) payloadRefs(v, refs);
    return refs;
  }
  if (typeof data !== 'object' || data === null) return refs;
  const o = data as Record<string, unknown>;
  if (typeof o.ticketId === 'string') refs.ids.add(o.ticketId);
  if (typeof o.id === 'string' && typeof o.body === 'string') refs.ids.add(o.id);
  const customer = o.customer as { email?: unknown } | undefined;
  if (typeof customer?.email === 'string') refs.emails.add(customer.email.trim().toLowerCase());
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) payloadRefs(v, refs);
  return refs;
}

/**
 * An erasure request (GDPR art. 17, KVKK art. 7): removes a customer's text everywhere the fleet keeps it.
 * The tickets are those given by id, those in the training store's (hashed) index for the e-mail, and
 * those of any kept job whose ticket carries the e-mail. For each: its training row, the text-bearing
 * fields of its ticket record (the record itself stays, so a re-sent id is still recognised), every kept
 * job in every queue that refers to it (waiting, delayed, completed, failed, dead-lettered), and what the
 * erasers hold. Counters (daily traffic, guard agreement, live accuracy) hold no text and stay.
 */
export async function forgetCustomer(deps: ForgetDeps, target: ForgetTarget): Promise<ForgetReport> {
  const clock = deps.clock ?? (() => new Date());
  const email = target.email?.trim().toLowerCase();
  const tickets = new Set(target.ticketIds ?? []);
  if (email) for (const id of await deps.training.ticketsOfEmail(email)) tickets.add(id);

  // One pass over every kept job: which tickets each refers to, and which tickets the e-mail owns.
  const jobs: { def: QueueDef<string, z.ZodType>; id: string; refs: Refs }[] = [];
  for (const def of deps.queues) {
    const inspector = inspectQueue(def, deps.ctx);
    try {
      for (const state of JOB_STATES) {
        for (let start = 0; ; start += PAGE) {
          const page = await inspector.list([state], { start, end: start + PAGE - 1, asc: true });
          for (const j of page) {
            const refs = payloadRefs(j.job.data);
            if (refs.ids.size || refs.emails.size) jobs.push({ def, id: j.id, refs });
            if (email && refs.emails.has(email)) for (const id of refs.ids) tickets.add(id);
          }
          if (page.length < PAGE) break;
        }
      }
    } finally {
      await inspector.close();
    }
  }

  const removed: Record<string, number> = {};
  const add = (place: string, n: number): void => {
    if (n > 0) removed[place] = (removed[place] ?? 0) + n;
  };
  const busy: string[] = [];
  const byQueue = new Map<QueueDef<string, z.ZodType>, string[]>();
  for (const j of jobs) {
    const hit = [...j.refs.ids].some((id) => tickets.has(id)) || (email !== undefined && j.refs.emails.has(email));
    if (hit) byQueue.set(j.def, [...(byQueue.get(j.def) ?? []), j.id]);
  }
  for (const [def, ids] of byQueue) {
    const inspector = inspectQueue(def, deps.ctx);
    try {
      for (const id of new Set(ids)) {
        try {
          if (await inspector.remove(id)) add(`jobs in ${def.queueName}`, 1);
        } catch {
          // Locked by a worker right now: BullMQ will not remove it; say so rather than pass silently.
          busy.push(`${def.queueName}/${id}`);
        }
      }
    } finally {
      await inspector.close();
    }
  }

  const ids = [...tickets].sort();
  for (const id of ids) {
    if (await deps.training.forgetTicket(id)) add('training store rows', 1);
    if (await deps.store.forgetText(id, clock())) add('ticket records scrubbed', 1);
  }
  if (email && (await deps.training.forgetEmail(email))) add('training store e-mail index', 1);
  for (const eraser of deps.erasers ?? []) {
    for (const [what, n] of Object.entries(await eraser.forget(ids))) add(`${eraser.place} ${what}`, n);
  }
  return { tickets: ids, removed, busy };
}
