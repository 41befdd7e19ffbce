import { CATEGORIES, escapeHtml, PRIORITIES, TEAMS, type RoutingTable } from '@switchboard/core';
import type { Resolution } from '@switchboard/queues';
import { chromeStylesheet } from '@switchboard/web-auth';
import type { ReviewDeskConfig } from './config.js';
import type { LiveAccuracy } from './ground-truth.js';
import type { LocalSuggestion } from './desk.js';
import { rationaleInWords, reasonInWords } from './reason-words.js';
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

/** The waiting list without the page around it, which desk.js fetches to refresh the list. */
export const LIST_FRAGMENT = '/list-fragment';

function layout(base: string, title: string, who: Who, body: string, watchSession = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Switchboard review desk</title>
${chromeStylesheet(base)}
<link rel="stylesheet" href="${base}${DESK_ASSETS}/desk.css">
<script src="${base}${DESK_ASSETS}/desk.js" defer></script>
${watchSession ? `<script src="${base}/_auth/session.js" defer data-status-url="${base}/_auth/session" data-login-url="${base}/login" data-every-ms="60000"></script>` : ''}
</head><body>
<header><strong><a href="${base}/">Review desk</a></strong><span>${esc(who.name)} · <form class="inline" method="post" action="${base}/logout">${csrfField(who)}<button type="submit">Sign out</button></form></span></header>
<main>${body}</main></body></html>`;
}

/** Each reason in words, with its code beside it: the words for the person, the code to count and search by. */
const reasons = (rs: readonly string[]): string =>
  rs.map((r) => `<span class="tag reason">${esc(reasonInWords(r))} <code>${esc(r)}</code></span>`).join('');

/**
 * A time as the server knows it (UTC), which the page's script rewrites into the reader's own time
 * zone; without the script the UTC time still reads correctly.
 */
const at = (iso: string): string =>
  `<time class="local-time" datetime="${esc(iso)}">${esc(iso.slice(0, 16).replace('T', ' '))} UTC</time>`;

/** "waiting 12 min", kept current by the page's script from the ticket's arrival time. */
const waiting = (it: ReviewItem): string =>
  `<span class="waiting" data-since="${esc(it.routed.ticket.receivedAt)}">waiting ${waited(it.waitingMs)}</span>`;

const customer = (t: ReviewItem['routed']['ticket']): string => {
  const c = t.customer;
  if (!c?.email && !c?.tier && !c?.id) return '<span class="muted">customer unknown</span>';
  return [
    c.email ? `<span class="customer-email">${esc(c.email)}</span>` : c.id ? `customer ${esc(c.id)}` : '',
    c.tier ? `<span class="tag customer-tier">${esc(c.tier)}</span>` : '',
  ]
    .filter(Boolean)
    .join(' ');
};

/** The keys a reviewer drains the queue with; desk.js binds them, this lists them where they work. */
const shortcuts = `<aside class="shortcuts" aria-label="Keyboard shortcuts"><h2>Keys</h2><ul>
<li><kbd>n</kbd> claim the next (most urgent unclaimed) ticket</li>
<li><kbd>c</kbd> claim this ticket</li>
<li><kbd>r</kbd> resolve with the form as it is</li>
<li><kbd>x</kbd> release (hand back to the list)</li>
</ul><p class="muted">Keys do nothing while you type in a field.</p></aside>`;

const claimNextForm = (base: string, who: Who): string =>
  `<form method="post" action="${base}/claim-next" id="claim-next" class="inline">${csrfField(who)}<button type="submit">Claim next <kbd>n</kbd></button></form>`;

const suggestionCell = (it: ReviewItem): string => {
  const d = it.routed.record.decision;
  return d
    ? `${esc(d.category)} → ${esc(d.team)}, ${esc(d.priority)} <span class="muted">(${Math.round(d.confidence * 100)}%)</span>`
    : '<span class="muted">no tier decided</span>';
};

/**
 * The waiting list itself, without the page around it: the list page embeds it, and desk.js fetches
 * it every few seconds to replace the old one, so a new ticket shows without a reload.
 */
export function listFragment(base: string, listed: WaitingList): string {
  const { items, unreadable, total } = listed;
  const unlisted = total - items.length - unreadable;
  const unclaimed = items.filter((i) => !i.claim).length;
  const breached = items.filter((i) => i.slaBreached).length;
  const rows = items
    .map((it) => {
      const claimed = it.claim ? `<span class="muted">claimed by ${esc(it.claim.reviewer)}</span>` : '';
      return `<tr data-ticket="${esc(it.ticketId)}">
<td class="prio-${esc(it.priority)}">${esc(it.priority)}</td>
<td><a href="${base}/tickets/${encodeURIComponent(it.ticketId)}">${esc(it.routed.ticket.subject || it.routed.ticket.body.slice(0, 80))}</a><div class="muted">${esc(it.ticketId)} · ${customer(it.routed.ticket)}</div></td>
<td>${suggestionCell(it)}</td>
<td>${reasons(it.routed.route.reasons)}</td>
<td class="${it.slaBreached ? 'breach' : ''}">${waiting(it)}${it.slaBreached ? ' · SLA breached' : ''}</td>
<td>${claimed}</td></tr>`;
    })
    .join('');
  return `<h1>Waiting for a person (${total})</h1>
<p class="muted" id="waiting-summary" data-total="${total}" data-unclaimed="${unclaimed}">${total} waiting · ${unclaimed} unclaimed on this page · ${breached} past their SLA · list updated <span class="updated">${at(new Date().toISOString())}</span></p>
${unlisted > 0 ? `<p class="error">Showing the ${items.length} most urgent; ${unlisted} more wait behind them and appear as these are resolved.</p>` : ''}
${unreadable ? `<p class="error">${unreadable} job(s) in the review queue could not be read; see the dead-letter tools.</p>` : ''}
${items.length ? `<table><thead><tr><th>priority</th><th>ticket and customer</th><th>machine suggestion</th><th>why a person</th><th>waiting</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Nothing is waiting. </p>'}`;
}

export function listPage(
  base: string,
  who: Who,
  listed: WaitingList,
  accuracy: LiveAccuracy,
  flash?: string,
  /** The ticket just resolved: its kept draft (desk.js, sessionStorage) is dropped. */
  resolvedId?: string,
): string {
  const acc = accuracy.byTier.length
    ? `<p class="muted">Machine accuracy on tickets people resolved: ${accuracy.byTier.map((r) => `${esc(r.key)} ${r.accuracy === null ? '—' : `${Math.round(r.accuracy * 100)}%`} of ${r.reviewed}`).join(' · ')}</p>`
    : '';
  return layout(
    base,
    'Waiting',
    who,
    `${flash ? `<p class="ok" role="status"${resolvedId ? ` data-resolved="${esc(resolvedId)}"` : ''}>${esc(flash)}</p>` : ''}
<div class="toolbar">${claimNextForm(base, who)}<span class="muted">The list refreshes itself every few seconds.</span></div>
<section id="queue" aria-live="polite" data-refresh-url="${base}${LIST_FRAGMENT}">${listFragment(base, listed)}</section>
${acc}
${shortcuts}`,
    true,
  );
}

const options = (values: readonly string[], selected: string): string =>
  values.map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(v)}</option>`).join('');

function suggestionCard(it: ReviewItem, local: LocalSuggestion | null): string {
  const { record, route } = it.routed;
  const d = record.decision;
  let body: string;
  if (d) {
    body = `<p><strong>${esc(d.category)}</strong> → <strong>${esc(d.team)}</strong>, priority <strong>${esc(d.priority)}</strong>, confidence ${Math.round(d.confidence * 100)}% <span class="muted">(${esc(record.tier)} tier${record.model ? `, ${esc(record.model)}` : ''})</span></p><p>Why: ${esc(rationaleInWords(d.rationale))}${rationaleInWords(d.rationale) === d.rationale ? '' : ` <code>${esc(d.rationale)}</code>`}</p>`;
  } else if (local) {
    body = `<p id="local-suggestion"><span class="tag local-label">Local model's guess</span> <strong>${esc(local.category)}</strong>${local.priority ? `, priority <strong>${esc(local.priority)}</strong>` : ''} <span class="muted">(${Math.round(local.categoryConfidence * 100)}% sure of the category${local.priority ? `, ${Math.round(local.priorityConfidence * 100)}% of the priority` : ''}; ${esc(local.model)})</span></p>
<p class="muted">Computed by the in-process local model on this server: the ticket text did not leave it. No tier was allowed to decide this ticket; you decide, the form starts from this guess.</p>`;
  } else {
    body = `<p class="muted">No tier produced an answer${record.outcome === 'critical' ? ' (a critical ticket skips every model)' : ''}, and there is no local guess.</p>`;
  }
  return `<div class="card"><h2>Machine suggestion</h2>${body}<p>Why a person: ${reasons(route.reasons)}</p></div>`;
}

export function ticketPage(
  base: string,
  who: Who,
  it: ReviewItem,
  routing: RoutingTable,
  config: ReviewDeskConfig,
  error?: string,
  local: LocalSuggestion | null = null,
): string {
  const { ticket } = it.routed;
  const d = it.routed.record.decision;
  const mine = it.claim?.reviewer === who.name;
  const id = encodeURIComponent(it.ticketId);
  const here = `${base}/tickets/${id}`;
  const category = d?.category ?? local?.category ?? 'other';
  let actions: string;
  if (mine) {
    // desk.js fills the team from the routing table, renews the lease and keeps an unsaved correction in
    // sessionStorage (re-applied after a sign-in that an expired session forced).
    actions = `<form method="post" action="${here}/resolve" class="card" id="resolve" data-ticket="${esc(it.ticketId)}" data-routing="${esc(JSON.stringify(routing))}" data-renew-url="${base}/api/tickets/${id}/renew" data-renew-ms="${config.renewEveryMs}">
<h2>Resolve</h2>
${csrfField(who)}
<p class="ok" role="status" id="draft-restored" hidden>Your unsaved correction was restored.</p>
<label>Category <select name="category" id="category">${options(CATEGORIES, category)}</select></label>
<label>Team <select name="team" id="team">${options(TEAMS, d?.team ?? routing[category])}</select></label>
<label>Priority <select name="priority" id="priority">${options(PRIORITIES, d?.priority ?? it.priority)}</select></label>
<label>Note <textarea name="note" id="note" maxlength="2000"></textarea></label>
<button type="submit">Resolve and deliver to the team</button> <kbd>r</kbd>
</form>
<form method="post" action="${here}/release" id="release">${csrfField(who)}<button type="submit">Release (hand back to the list)</button> <kbd>x</kbd></form>
<p class="muted" id="lease">Yours until ${at(it.claim?.expiresAt ?? new Date().toISOString())}; renewed while this page is open.</p>`;
  } else if (it.claim) {
    actions = `<p class="error" role="alert">${esc(it.claim.reviewer)} is working on this ticket (until ${at(it.claim.expiresAt)}).</p>`;
  } else {
    actions = `<form method="post" action="${here}/claim" id="claim">${csrfField(who)}<button type="submit">Claim this ticket</button> <kbd>c</kbd></form>`;
  }
  return layout(
    base,
    ticket.subject || it.ticketId,
    who,
    `<div class="toolbar"><a href="${base}/">← all waiting tickets</a> ${claimNextForm(base, who)}</div>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<div class="desk-grid"><div class="desk-ticket">
<div class="card"><h1>${esc(ticket.subject || '(no subject)')}</h1>
<p class="customer">${customer(ticket)}</p>
<p class="muted">${esc(it.ticketId)} · ${esc(ticket.channel ?? 'api')} · ${esc(ticket.language ?? 'language unknown')} · received ${at(ticket.receivedAt)} · <span class="${it.slaBreached ? 'breach' : ''}">${waiting(it)}${it.slaBreached ? ' (SLA breached)' : ''}</span></p>
<pre id="body">${esc(ticket.body)}</pre></div>
${suggestionCard(it, local)}
</div>
<div class="desk-actions">${actions}${shortcuts}</div></div>`,
    true,
  );
}

/**
 * `2025-01-06 09:00 UTC`: an exact moment anyone on the desk reads the same way (not rewritten into
 * local time: two reviewers comparing who resolved a ticket first must read the same clock).
 */
const exactUtc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * A ticket that is not waiting: resolved (by whom, when and where it went, which is what someone
 * who pressed Back and Resolve again needs to know), or never escalated.
 */
export function notFoundPage(base: string, who: Who, ticketId: string, resolution?: Resolution | null): string {
  const what = resolution
    ? `<h1>Already resolved</h1><p role="alert">Ticket ${esc(ticketId)} was already resolved by <strong>${esc(resolution.reviewer)}</strong> at <time datetime="${esc(resolution.resolvedAt)}">${esc(exactUtc(resolution.resolvedAt))}</time>: ${esc(resolution.category)} → ${esc(resolution.team)}, priority ${esc(resolution.priority)}. Nothing more to do here.</p>`
    : `<h1>Not waiting</h1><p role="alert">Ticket ${esc(ticketId)} is not waiting for review (never escalated, or no longer kept).</p>`;
  return layout(
    base,
    resolution ? 'Already resolved' : 'Not waiting',
    who,
    `<p><a href="${base}/">← all waiting tickets</a></p>${what}`,
  );
}
