import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TicketInput } from '@switchboard/core';

const DEMO_FILE = fileURLToPath(new URL('../../../eval/demo-tickets.jsonl', import.meta.url));
const DemoTicket = TicketInput.omit({ id: true });

export async function loadDemoTickets(runId: string): Promise<TicketInput[]> {
  const lines = (await readFile(DEMO_FILE, 'utf8')).split('\n').filter((l) => l.trim());
  return lines.map((line, i) => ({
    ...DemoTicket.parse(JSON.parse(line)),
    id: `demo-${runId}-${String(i + 1).padStart(2, '0')}`,
  }));
}

const View = z.object({
  status: z.string(),
  route: z
    .object({ team: z.string(), via: z.string(), escalated: z.boolean(), reasons: z.array(z.string()) })
    .optional(),
});

async function call(
  base: string,
  key: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

export async function waitReady(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ingest did not become ready at ${base} within ${timeoutMs} ms`);
}

/** Posts the demo tickets as one batch and prints where each one ended. Returns how many ended. */
export async function runDemo(
  base: string,
  key: string,
  tickets: readonly TicketInput[],
  timeoutMs: number,
): Promise<number> {
  const posted = await call(base, key, '/v1/tickets/batch', { tickets });
  if (posted.status !== 200) throw new Error(`batch POST answered ${posted.status}: ${JSON.stringify(posted.json)}`);
  console.log(`\nPOSTed ${tickets.length} sample tickets to ${base}/v1/tickets/batch. Where they went:\n`);
  const pending = new Set(tickets.map((t) => t.id));
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const t of tickets) {
      if (!pending.has(t.id)) continue;
      const { json } = await call(base, key, `/v1/tickets/${t.id}`);
      const view = View.safeParse(json);
      if (!view.success || !view.data.route) continue;
      pending.delete(t.id);
      const r = view.data.route;
      const title = (t.subject || t.body).slice(0, 44).padEnd(44);
      const where = r.escalated
        ? `HUMAN REVIEW (suggested ${r.team}) because ${r.reasons.join(', ')}`
        : `${r.team} via ${r.via}`;
      console.log(`  ${t.id}  ${title}  → ${where}`);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  for (const id of pending) console.log(`  ${id}  still in flight after ${timeoutMs} ms`);
  return tickets.length - pending.size;
}
