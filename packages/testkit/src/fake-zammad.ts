import { startFakeHelpdesk, ticketClock, type FakeHelpdeskControl } from './fake-helpdesk.js';

export interface FakeZammadTicket {
  id: number;
  group_id: number;
  owner_id: number;
  priority_id: number;
  state: string;
  updated_at: string;
  tags: string[];
  articles: { id: number; body: string; type: string; internal: boolean }[];
}

export interface FakeZammad extends FakeHelpdeskControl {
  tickets: Map<number, FakeZammadTicket>;
  create(id: number, fields?: Partial<Omit<FakeZammadTicket, 'id'>>): FakeZammadTicket;
  agentEdit(id: number, fields: Partial<Pick<FakeZammadTicket, 'group_id' | 'owner_id' | 'state'>>): void;
}

/**
 * Zammad's REST API as its documentation describes it, on loopback: `Authorization: Token token=…`
 * (401 otherwise); `GET /api/v1/tickets/{id}` (`?expand=true` adds the state's name); `PUT
 * /api/v1/tickets/{id}` with `group_id`, `priority_id` and an `article` ({body, type, internal});
 * `GET /api/v1/ticket_articles/by_ticket/{id}`; `POST /api/v1/tags/add` ({item, object, o_id}, 201).
 */
export async function startFakeZammad(token: string): Promise<FakeZammad> {
  const tickets = new Map<number, FakeZammadTicket>();
  const now = ticketClock();
  let articleIds = 100;
  const view = (t: FakeZammadTicket, expand: boolean) => {
    const { articles: _a, tags: _t, state, ...rest } = t;
    return expand ? { ...rest, state } : rest;
  };
  const control = await startFakeHelpdesk({
    authorized: (a) => a === `Token token=${token}`,
    unauthorized: { error: 'authentication failed' },
    route: ({ method, path, query, body }, reply) => {
      if (method === 'POST' && path === '/api/v1/tags/add') {
        const b = body as { item?: unknown; object?: unknown; o_id?: unknown } | undefined;
        const t = tickets.get(Number(b?.o_id));
        if (b?.object !== 'Ticket' || typeof b.item !== 'string' || !t) return reply(422, { error: 'invalid tag' });
        if (!t.tags.includes(b.item)) t.tags.push(b.item);
        return reply(201, true);
      }
      const articles = /^\/api\/v1\/ticket_articles\/by_ticket\/(\d+)$/.exec(path);
      if (articles && method === 'GET') {
        const t = tickets.get(Number(articles[1]));
        return t
          ? reply(
              200,
              t.articles.map((a) => ({ ...a, ticket_id: t.id })),
            )
          : reply(404, { error: 'Not Found' });
      }
      const m = /^\/api\/v1\/tickets\/(\d+)$/.exec(path);
      const t = m ? tickets.get(Number(m[1])) : undefined;
      if (!m) return reply(404, { error: 'No route matches' });
      if (!t) return reply(404, { error: "Couldn't find Ticket" });
      if (method === 'GET') return reply(200, view(t, query.get('expand') === 'true'));
      if (method !== 'PUT') return reply(405, { error: 'method not allowed' });
      const u = (body ?? {}) as Record<string, unknown>;
      if (typeof u.group_id === 'number') t.group_id = u.group_id;
      if (typeof u.priority_id === 'number') t.priority_id = u.priority_id;
      const article = u.article as { body?: unknown; type?: unknown; internal?: unknown } | undefined;
      if (article && typeof article.body === 'string')
        t.articles.push({
          id: ++articleIds,
          body: article.body,
          type: typeof article.type === 'string' ? article.type : 'note',
          internal: article.internal === true,
        });
      t.updated_at = now();
      return reply(200, view(t, false));
    },
  });
  return Object.assign(control, {
    tickets,
    create(id: number, fields: Partial<Omit<FakeZammadTicket, 'id'>> = {}) {
      const t: FakeZammadTicket = {
        id,
        group_id: 1,
        owner_id: 1,
        priority_id: 2,
        state: 'new',
        tags: [],
        articles: [{ id: ++articleIds, body: 'customer text', type: 'email', internal: false }],
        ...fields,
        updated_at: now(),
      };
      tickets.set(id, t);
      return t;
    },
    agentEdit(id: number, fields: Partial<Pick<FakeZammadTicket, 'group_id' | 'owner_id' | 'state'>>) {
      const t = tickets.get(id);
      if (!t) throw new Error(`no fake Zammad ticket ${id}`);
      Object.assign(t, fields, { updated_at: now() });
    },
  });
}
