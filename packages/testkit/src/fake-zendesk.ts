import { startFakeHelpdesk, ticketClock, type FakeHelpdeskControl } from './fake-helpdesk.js';

export interface FakeZendeskTicket {
  id: number;
  group_id: number | null;
  assignee_id: number | null;
  priority: string | null;
  status: string;
  tags: string[];
  updated_at: string;
  comments: { body: string; public: boolean }[];
}

export interface FakeZendesk extends FakeHelpdeskControl {
  tickets: Map<number, FakeZendeskTicket>;
  /** A new ticket, as a requester's e-mail makes it. */
  create(id: number, fields?: Partial<Omit<FakeZendeskTicket, 'id'>>): FakeZendeskTicket;
  /** An agent's edit in the Zendesk UI: changes fields and moves `updated_at`. */
  agentEdit(id: number, fields: Partial<Pick<FakeZendeskTicket, 'group_id' | 'assignee_id' | 'status'>>): void;
  /** Runs once, just before the next PUT is applied (an agent saving at that moment). */
  beforeNextPut(fn: (t: FakeZendeskTicket) => void): void;
}

/**
 * Zendesk's Tickets API as its documentation describes it, on loopback: basic auth with
 * `{email}/token:{api_token}` (401 otherwise), `GET /api/v2/tickets/{id}`, and `PUT /api/v2/tickets/{id}`
 * with `group_id`, `priority`, `tags`, `additional_tags` and `comment` ({body, public}); with
 * `safe_update`, an `updated_stamp` other than the ticket's `updated_at` is a 409 UpdateConflict.
 */
export async function startFakeZendesk(auth: { email: string; token: string }): Promise<FakeZendesk> {
  const tickets = new Map<number, FakeZendeskTicket>();
  const now = ticketClock();
  const expected = `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}`;
  let hook: ((t: FakeZendeskTicket) => void) | undefined;
  const control = await startFakeHelpdesk({
    authorized: (a) => a === expected,
    unauthorized: { error: "Couldn't authenticate you" },
    route: ({ method, path, body }, reply) => {
      const m = /^\/api\/v2\/tickets\/(\d+)(?:\.json)?$/.exec(path);
      const ticket = m?.[1] ? tickets.get(Number(m[1])) : undefined;
      if (!m) return reply(404, { error: 'InvalidEndpoint' });
      if (!ticket) return reply(404, { error: 'RecordNotFound', description: 'Not found' });
      if (method === 'GET') return reply(200, { ticket: view(ticket) });
      if (method !== 'PUT') return reply(405, { error: 'MethodNotAllowed' });
      const update = (body as { ticket?: Record<string, unknown> } | undefined)?.ticket;
      if (!update) return reply(400, { error: 'InvalidValue', description: 'ticket: required' });
      // Cleared before it runs: a hook may apply another PUT (a held one), which must not run it again.
      const before = hook;
      hook = undefined;
      before?.(ticket);
      if (update.safe_update === true && update.updated_stamp !== ticket.updated_at)
        return reply(409, {
          error: 'UpdateConflict',
          description:
            'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
        });
      if (typeof update.group_id === 'number') ticket.group_id = update.group_id;
      if (typeof update.priority === 'string') ticket.priority = update.priority;
      if (Array.isArray(update.tags)) ticket.tags = update.tags.map(String);
      if (Array.isArray(update.additional_tags))
        ticket.tags = [...new Set([...ticket.tags, ...update.additional_tags.map(String)])];
      const comment = update.comment as { body?: unknown; public?: unknown } | undefined;
      if (comment && typeof comment.body === 'string')
        ticket.comments.push({ body: comment.body, public: comment.public !== false });
      ticket.updated_at = now();
      return reply(200, { ticket: view(ticket) });
    },
  });
  const view = (t: FakeZendeskTicket) => {
    const { comments: _comments, ...rest } = t;
    return { ...rest, tags: [...t.tags] };
  };
  return Object.assign(control, {
    tickets,
    create(id: number, fields: Partial<Omit<FakeZendeskTicket, 'id'>> = {}) {
      const t: FakeZendeskTicket = {
        id,
        group_id: null,
        assignee_id: null,
        priority: null,
        status: 'new',
        tags: [],
        comments: [],
        ...fields,
        updated_at: now(),
      };
      tickets.set(id, t);
      return t;
    },
    agentEdit(id: number, fields: Partial<Pick<FakeZendeskTicket, 'group_id' | 'assignee_id' | 'status'>>) {
      const t = tickets.get(id);
      if (!t) throw new Error(`no fake Zendesk ticket ${id}`);
      Object.assign(t, fields, { updated_at: now() });
    },
    beforeNextPut(fn: (t: FakeZendeskTicket) => void) {
      hook = fn;
    },
  });
}
