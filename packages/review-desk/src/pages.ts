import { CATEGORIES, escapeHtml, PRIORITIES, TEAMS, type RoutingTable } from '@switchboard/core';
import type { Resolution } from '@switchboard/queues';
import type { ReviewDeskConfig } from './config.js';
import type { LiveAccuracy } from './ground-truth.js';
import type { ReviewItem, WaitingList } from './review-list.js';

/** Ticket text is customer input: everything interpolated goes through here. */
const esc = escapeHtml;

export function waited(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Who the page is for: the signed-in reviewer, and the CSRF token every form of the page carries. */
export interface Who {
  name: string;
  csrf: string;
}

/** The hidden field @fastify/csrf-protection reads from a posted form. */
export const csrfField = (who: Who): string => `<input type="hidden" name="_csrf" value="${esc(who.csrf)}">`;

/** Where the desk serves its stylesheet and script: the CSP allows no inline script or style. */
export const DESK_ASSETS = '/assets';

function layout(base: string, title: string, who: Who, body: string, watchSession = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Switchboard review desk</title>
<link rel="stylesheet" href="${base}${DESK_ASSETS}/desk.css">
<script src="${base}${DESK_ASSETS}/desk.js" defer></script>
${watchSession ? `<script src="${base}/_auth/session.js" defer data-status-url="${base}/_auth/session" data-login-url="${base}/login" data-every-ms="60000"></script>` : ''}
</head><body>
<header><strong><a href="${base}/">Review desk</a></strong><span>${esc(who.name)} · <form class="inline" method="post" action="${base}/logout">${csrfField(who)}<button type="submit">Sign out</button></form></span></header>
<main>${body}</main></body></html>`;
}

const reasons = (rs: readonly string[]): string => rs.map((r) => `<span class="tag">${esc(r)}</span>`).join('');

export function listPage(
  base: string,
  who: Who,
  listed: WaitingList,
  accuracy: LiveAccuracy,
  flash?: string,
  /** The ticket just resolved: its kept draft (desk.js, sessionStorage) is dropped. */
  resolvedId?: string,
): string {
  const { items, unreadable, total } = listed;
  const unlisted = total - items.length - unreadable;
  const rows = items
    .map((it) => {
      const d = it.routed.record.decision;
      const claimed = it.claim ? `<span class="muted">claimed by ${esc(it.claim.reviewer)}</span>` : '';
      return `<tr data-ticket="${esc(it.ticketId)}">
<td class="prio-${esc(it.priority)}">${esc(it.priority)}</td>
<td><a href="${base}/tickets/${encodeURIComponent(it.ticketId)}">${esc(it.routed.ticket.subject || it.routed.ticket.body.slice(0, 80))}</a><div class="muted">${esc(it.ticketId)}</div></td>
<td>${d ? `${esc(d.category)} → ${esc(d.team)}, ${esc(d.priority)} <span class="muted">(${Math.round(d.confidence * 100)}%)</span>` : '<span class="muted">no suggestion</span>'}</td>
<td>${reasons(it.routed.route.reasons)}</td>
<td class="${it.slaBreached ? 'breach' : ''}">${waited(it.waitingMs)}${it.slaBreached ? ' · SLA breached' : ''}</td>
<td>${claimed}</td></tr>`;
    })
    .join('');
  const acc = accuracy.byTier.length
    ? `<p class="muted">Machine accuracy on tickets people resolved: ${accuracy.byTier.map((r) => `${esc(r.key)} ${r.accuracy === null ? '—' : `${Math.round(r.accuracy * 100)}%`} of ${r.reviewed}`).join(' · ')}</p>`
    : '';
  return layout(
    base,
    'Waiting',
    who,
    `${flash ? `<p class="ok" role="status"${resolvedId ? ` data-resolved="${esc(resolvedId)}"` : ''}>${esc(flash)}</p>` : ''}
<h1>Waiting for a person (${total})</h1>
${unlisted > 0 ? `<p class="error" role="status">Showing the ${items.length} most urgent; ${unlisted} more wait behind them and appear as these are resolved.</p>` : ''}
${unreadable ? `<p class="error">${unreadable} job(s) in the review queue could not be read; see the dead-letter tools.</p>` : ''}
${items.length ? `<table><thead><tr><th>priority</th><th>ticket</th><th>machine suggestion</th><th>why a person</th><th>waiting</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Nothing is waiting. </p>'}
${acc}`,
  );
}

const options = (values: readonly string[], selected: string): string =>
  values.map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(v)}</option>`).join('');

export function ticketPage(
  base: string,
  who: Who,
  it: ReviewItem,
  routing: RoutingTable,
  config: ReviewDeskConfig,
  error?: string,
): string {
  const { ticket, record, route } = it.routed;
  const d = record.decision;
  const mine = it.claim?.reviewer === who.name;
  const id = encodeURIComponent(it.ticketId);
  const here = `${base}/tickets/${id}`;
  let actions: string;
  if (mine) {
    // desk.js fills the team from the routing table, renews the lease and keeps an unsaved correction in
    // sessionStorage (re-applied after a sign-in that an expired session forced).
    actions = `<form method="post" action="${here}/resolve" class="card" id="resolve" data-ticket="${esc(it.ticketId)}" data-routing="${esc(JSON.stringify(routing))}" data-renew-url="${base}/api/tickets/${id}/renew" data-renew-ms="${config.renewEveryMs}">
<h2>Resolve</h2>
${csrfField(who)}
<p class="ok" role="status" id="draft-restored" hidden>Your unsaved correction was restored.</p>
<label>Category <select name="category" id="category">${options(CATEGORIES, d?.category ?? 'other')}</select></label>
<label>Team <select name="team" id="team">${options(TEAMS, d?.team ?? routing[d?.category ?? 'other'])}</select></label>
<label>Priority <select name="priority" id="priority">${options(PRIORITIES, d?.priority ?? it.priority)}</select></label>
<label>Note <textarea name="note" id="note" maxlength="2000"></textarea></label>
<button type="submit">Resolve and deliver to the team</button>
</form>
<form method="post" action="${here}/release">${csrfField(who)}<button type="submit">Release (hand back to the list)</button></form>
<p class="muted" id="lease">Yours until ${esc(it.claim?.expiresAt)}; renewed while this page is open.</p>`;
  } else if (it.claim) {
    actions = `<p class="error" role="alert">${esc(it.claim.reviewer)} is working on this ticket (until ${esc(it.claim.expiresAt)}).</p>`;
  } else {
    actions = `<form method="post" action="${here}/claim">${csrfField(who)}<button type="submit">Claim this ticket</button></form>`;
  }
  return layout(
    base,
    ticket.subject || it.ticketId,
    who,
    `<p><a href="${base}/">← all waiting tickets</a></p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<div class="card"><h1>${esc(ticket.subject || '(no subject)')}</h1>
<p class="muted">${esc(it.ticketId)} · ${esc(ticket.channel ?? 'api')} · ${esc(ticket.language ?? 'language unknown')} · received ${esc(ticket.receivedAt)} · waiting <span class="${it.slaBreached ? 'breach' : ''}">${waited(it.waitingMs)}${it.slaBreached ? ' (SLA breached)' : ''}</span></p>
<pre id="body">${esc(ticket.body)}</pre></div>
<div class="card"><h2>Machine suggestion</h2>
${d ? `<p><strong>${esc(d.category)}</strong> → <strong>${esc(d.team)}</strong>, priority <strong>${esc(d.priority)}</strong>, confidence ${Math.round(d.confidence * 100)}% <span class="muted">(${esc(record.tier)} tier${record.model ? `, ${esc(record.model)}` : ''})</span></p><p>Rationale: ${esc(d.rationale)}</p>` : '<p class="muted">No tier produced an answer.</p>'}
<p>Why a person: ${reasons(route.reasons)}</p></div>
${actions}`,
    mine,
  );
}

/** `2025-01-06 09:00 UTC`: an exact moment anyone on the desk reads the same way. */
const at = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * A ticket that is not waiting: resolved (by whom, when and where it went, which is what someone
 * who pressed Back and Resolve again needs to know), or never escalated.
 */
export function notFoundPage(base: string, who: Who, ticketId: string, resolution?: Resolution | null): string {
  const what = resolution
    ? `<h1>Already resolved</h1><p role="alert">Ticket ${esc(ticketId)} was already resolved by <strong>${esc(resolution.reviewer)}</strong> at <time datetime="${esc(resolution.resolvedAt)}">${esc(at(resolution.resolvedAt))}</time>: ${esc(resolution.category)} → ${esc(resolution.team)}, priority ${esc(resolution.priority)}. Nothing more to do here.</p>`
    : `<h1>Not waiting</h1><p role="alert">Ticket ${esc(ticketId)} is not waiting for review (never escalated, or no longer kept).</p>`;
  return layout(
    base,
    resolution ? 'Already resolved' : 'Not waiting',
    who,
    `<p><a href="${base}/">← all waiting tickets</a></p>${what}`,
  );
}
