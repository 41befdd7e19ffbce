import { CATEGORIES, escapeHtml, PRIORITIES, TEAMS, type RoutingTable } from '@switchboard/core';
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

function layout(base: string, title: string, user: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Switchboard review desk</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1.2rem;background:#1d2430;color:#fff}
header a{color:#fff}main{padding:1rem 1.2rem;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.45rem .6rem;border-bottom:1px solid #e2e6ee;text-align:left;vertical-align:top}
.breach{color:#b42318;font-weight:600}.muted{color:#667085}.tag{display:inline-block;padding:0 .35rem;border-radius:4px;background:#eef2f6;margin:0 .2rem .2rem 0;font-size:12px}
.prio-high{color:#b42318;font-weight:600}.card{background:#fff;border:1px solid #e2e6ee;border-radius:8px;padding:1rem;margin-bottom:1rem}
pre{white-space:pre-wrap;word-break:break-word;font:inherit;margin:0}.error{color:#b42318;font-weight:600}.ok{color:#067647}
form.inline{display:inline}button{font:inherit;padding:.35rem .8rem;cursor:pointer}label{display:block;margin:.4rem 0}
select,textarea{font:inherit;padding:.25rem}textarea{width:100%;min-height:4rem}
</style></head><body>
<header><strong><a href="${base}/">Review desk</a></strong><span>${esc(user)} · <form class="inline" method="post" action="${base}/logout"><button type="submit">Sign out</button></form></span></header>
<main>${body}</main></body></html>`;
}

const reasons = (rs: readonly string[]): string => rs.map((r) => `<span class="tag">${esc(r)}</span>`).join('');

export function listPage(
  base: string,
  user: string,
  listed: WaitingList,
  accuracy: LiveAccuracy,
  flash?: string,
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
    user,
    `${flash ? `<p class="ok" role="status">${esc(flash)}</p>` : ''}
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
  user: string,
  it: ReviewItem,
  routing: RoutingTable,
  config: ReviewDeskConfig,
  error?: string,
): string {
  const { ticket, record, route } = it.routed;
  const d = record.decision;
  const mine = it.claim?.reviewer === user;
  const id = encodeURIComponent(it.ticketId);
  const here = `${base}/tickets/${id}`;
  let actions: string;
  if (mine) {
    actions = `<form method="post" action="${here}/resolve" class="card" id="resolve">
<h2>Resolve</h2>
<label>Category <select name="category" id="category">${options(CATEGORIES, d?.category ?? 'other')}</select></label>
<label>Team <select name="team" id="team">${options(TEAMS, d?.team ?? routing[d?.category ?? 'other'])}</select></label>
<label>Priority <select name="priority">${options(PRIORITIES, d?.priority ?? it.priority)}</select></label>
<label>Note <textarea name="note" maxlength="2000"></textarea></label>
<button type="submit">Resolve and deliver to the team</button>
</form>
<form method="post" action="${here}/release"><button type="submit">Release (hand back to the list)</button></form>
<p class="muted" id="lease">Yours until ${esc(it.claim?.expiresAt)}; renewed while this page is open.</p>
<script>
const routing = ${JSON.stringify(routing).replace(/</g, '\\u003c')};
document.getElementById('category').addEventListener('change', (e) => { document.getElementById('team').value = routing[e.target.value]; });
setInterval(() => {
  fetch(${JSON.stringify(`${base}/api/tickets/${id}/renew`)}, { method: 'POST', headers: { accept: 'application/json' } })
    .then((r) => { if (!r.ok) document.getElementById('lease').textContent = 'Your claim has expired: claim the ticket again before resolving.'; })
    .catch(() => {});
}, ${config.renewEveryMs});
</script>`;
  } else if (it.claim) {
    actions = `<p class="error" role="alert">${esc(it.claim.reviewer)} is working on this ticket (until ${esc(it.claim.expiresAt)}).</p>`;
  } else {
    actions = `<form method="post" action="${here}/claim"><button type="submit">Claim this ticket</button></form>`;
  }
  return layout(
    base,
    ticket.subject || it.ticketId,
    user,
    `<p><a href="${base}/">← all waiting tickets</a></p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<div class="card"><h1>${esc(ticket.subject || '(no subject)')}</h1>
<p class="muted">${esc(it.ticketId)} · ${esc(ticket.channel ?? 'api')} · ${esc(ticket.language ?? 'language unknown')} · received ${esc(ticket.receivedAt)} · waiting <span class="${it.slaBreached ? 'breach' : ''}">${waited(it.waitingMs)}${it.slaBreached ? ' (SLA breached)' : ''}</span></p>
<pre id="body">${esc(ticket.body)}</pre></div>
<div class="card"><h2>Machine suggestion</h2>
${d ? `<p><strong>${esc(d.category)}</strong> → <strong>${esc(d.team)}</strong>, priority <strong>${esc(d.priority)}</strong>, confidence ${Math.round(d.confidence * 100)}% <span class="muted">(${esc(record.tier)} tier${record.model ? `, ${esc(record.model)}` : ''})</span></p><p>Rationale: ${esc(d.rationale)}</p>` : '<p class="muted">No tier produced an answer.</p>'}
<p>Why a person: ${reasons(route.reasons)}</p></div>
${actions}`,
  );
}

export function notFoundPage(base: string, user: string, ticketId: string): string {
  return layout(
    base,
    'Not waiting',
    user,
    `<p><a href="${base}/">← all waiting tickets</a></p><p>Ticket ${esc(ticketId)} is not waiting for review (already resolved, or never escalated).</p>`,
  );
}
