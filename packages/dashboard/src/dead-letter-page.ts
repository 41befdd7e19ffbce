import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { escapeHtml as esc } from '@switchboard/core';
import type { ReplayResult } from '@switchboard/lifecycle';
import { chromeStylesheet, csrfToken, requireRole } from '@switchboard/web-auth';
import type { DeadLetterEntry } from './board-queues.js';
import { DASHBOARD_ASSETS } from './mount-board.js';

export const DEAD_LETTER_PATH = '/dead-letter';

/** What the page needs from the board's queues: the list and the replay `ops dead-letter replay` runs. */
export interface DeadLetterOps {
  deadLetters(limit?: number): Promise<DeadLetterEntry[]>;
  replay(ids?: readonly string[]): Promise<ReplayResult>;
}

const Id = z.string().min(1).max(400);
/** The form: some ids ticked, or "replay all"; one id arrives as a string, several as an array. */
const ReplayForm = z.union([
  z.object({ all: z.literal('1') }),
  z.object({ ids: z.union([Id, z.array(Id).min(1).max(1_000)]).transform((v) => (Array.isArray(v) ? v : [v])) }),
]);

const list = (q: unknown): string[] => (typeof q === 'string' && q ? q.split(',').slice(0, 50) : []);

/** The page's parts that come from the login: who, the forms' CSRF token, the session watcher's script tag. */
interface PageContext {
  user: string;
  csrf: string;
  watcher: string;
  base: string;
}

function page(ctx: PageContext, entries: readonly DeadLetterEntry[], query: Record<string, unknown>): string {
  const token = `<input type="hidden" name="_csrf" value="${esc(ctx.csrf)}">`;
  const replayed = list(query.replayed);
  const skipped = list(query.skipped);
  const missing = list(query.missing);
  const result =
    query.done === '1'
      ? `<p class="ok" role="status">Replayed ${replayed.length}${replayed.length ? `: ${replayed.map(esc).join(', ')}` : ''}.</p>${
          skipped.length
            ? `<p class="error">Not replayed, already with a person in human review: ${skipped.map(esc).join(', ')}.</p>`
            : ''
        }${missing.length ? `<p class="error">Not found or unreadable: ${missing.map(esc).join(', ')}.</p>` : ''}`
      : '';
  const rows = entries
    .map(
      (
        e,
      ) => `<tr><td><input type="checkbox" name="ids" value="${esc(e.id)}" id="dl-${esc(e.id)}" aria-label="Replay ${esc(e.id)}"></td>
<td><label for="dl-${esc(e.id)}"><code>${esc(e.id)}</code></label></td><td>${esc(e.queue ?? '—')}</td><td>${esc(e.failedAt?.slice(0, 19).replace('T', ' ') ?? '—')}${e.failedAt ? ' UTC' : ''}</td>
<td>${e.attemptsMade ?? '—'}</td><td>${esc(e.error.slice(0, 300))}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dead-letter replay · Switchboard dashboard</title>${chromeStylesheet(ctx.base)}<link rel="stylesheet" href="${DASHBOARD_ASSETS}/dead-letter.css">${ctx.watcher}</head><body>
<header><strong><a href="/board/">Switchboard board</a> · Dead-letter replay</strong><span>${esc(ctx.user)} · <a href="/logout">Sign out</a></span></header>
<main><h1>Dead-lettered jobs (${entries.length})</h1>
<p class="muted">Jobs that used their last attempt. Replay puts each back on its own queue under its original id, the same
code as <code>ops dead-letter replay</code>; a ticket a person already picked up in human review is not replayed. Every replay is logged with your name.</p>
${result}
${
  entries.length
    ? `<form method="post" action="${DEAD_LETTER_PATH}/replay">${token}<div class="actions"><button type="submit">Replay selected</button></div>
<table><thead><tr><th><span class="muted">pick</span></th><th>entry</th><th>from queue</th><th>failed at</th><th>attempts</th><th>error</th></tr></thead><tbody>${rows}</tbody></table></form>
<form method="post" action="${DEAD_LETTER_PATH}/replay" class="actions">${token}<input type="hidden" name="all" value="1"><button type="submit">Replay all ${entries.length}</button></form>`
    : '<p>Nothing is dead-lettered.</p>'
}</main></body></html>`;
}

/**
 * Dead-letter replay from the web for operators, beside Bull Board (whose buttons cannot run the
 * fleet's replay: a plain Bull Board retry would skip the ticket lifecycle's reopen and could route
 * a ticket twice). Viewers get 403.
 */
export function registerDeadLetterPage(app: FastifyInstance, ops: DeadLetterOps): void {
  const operator = requireRole(['operator']);
  app.get(DEAD_LETTER_PATH, { preHandler: operator }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(
      page(
        {
          user: req.user?.username ?? '',
          csrf: csrfToken(reply),
          watcher: app.webAuth.sessionWatcherTag(),
          base: app.webAuth.base,
        },
        await ops.deadLetters(),
        req.query as Record<string, unknown>,
      ),
    ),
  );
  // The form's address reloaded is no replay: back to the list.
  app.get(`${DEAD_LETTER_PATH}/replay`, async (_req, reply) => reply.redirect(DEAD_LETTER_PATH, 303));
  app.post(`${DEAD_LETTER_PATH}/replay`, { preHandler: operator }, async (req, reply) => {
    // The form's CSRF field was checked before this handler; it is no part of the choice.
    const { _csrf: _token, ...body } = (req.body ?? {}) as Record<string, unknown>;
    const form = ReplayForm.safeParse(body);
    if (!form.success)
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          app.webAuth.renderError(req, {
            status: 400,
            title: 'Nothing chosen',
            message: 'Tick the entries to replay, or use “Replay all”. Go back to the dead-letter page and try again.',
          }),
        );
    const ids = 'ids' in form.data ? form.data.ids : undefined;
    const result = await ops.replay(ids);
    req.log.info(
      { username: req.user?.username, all: ids === undefined, ...result },
      'dead letters replayed from the board',
    );
    const q = new URLSearchParams({
      done: '1',
      replayed: result.replayed.join(','),
      skipped: result.skipped.join(','),
      missing: result.missing.join(','),
    });
    return reply.redirect(`${DEAD_LETTER_PATH}?${q.toString()}`, 303);
  });
}
