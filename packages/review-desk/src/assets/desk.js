/* global document, sessionStorage, fetch, CustomEvent, setInterval, clearInterval */
// The review desk's only script, a file: the CSP allows no inline script. Every feature here is an
// extra; without it the pages still work as plain forms and links.
// - Everywhere: times in the reader's own time zone, "waiting 12 min" counted on, keyboard shortcuts.
// - The list: replaces itself with the server's current one every few seconds (a new ticket shows
//   without a reload), and drops the kept draft of a ticket just resolved.
// - The ticket page: choosing a category fills its team; the claim is renewed while the page is open
//   (the one lease renewal); the correction being typed is kept in this tab's sessionStorage, so a
//   session that expires mid-ticket loses nothing: after signing in again the page puts it back.
// A background request that meets a 401 says so with the event `sb:unauthorized`, on which the login's
// session watcher (web-auth's session.js) shows "Your session expired" with a sign-in back to this page.
(() => {
  const REFRESH_MS = 5000;
  const DRAFT = 'sb-desk-draft:';
  const FIELDS = ['category', 'team', 'priority', 'note'];

  const unauthorized = () => document.dispatchEvent(new CustomEvent('sb:unauthorized'));
  const pad = (n) => (n < 10 ? `0${n}` : String(n));

  /** UTC timestamps from the server, shown in the reader's own time zone. */
  const localTimes = (root) => {
    for (const node of root.querySelectorAll('time.local-time[datetime]')) {
      const t = new Date(node.getAttribute('datetime'));
      if (Number.isNaN(t.getTime())) continue;
      const sameDay = t.toDateString() === new Date().toDateString();
      node.textContent =
        (sameDay ? 'today ' : `${t.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} `) +
        `${pad(t.getHours())}:${pad(t.getMinutes())}`;
      node.title = t.toString();
    }
  };

  const waitedText = (ms) => {
    const m = Math.max(0, Math.floor(ms / 60000));
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
  };

  /** "waiting 12 min", counted on from the ticket's arrival while the page stays open. */
  const waitingTimes = (root) => {
    for (const node of root.querySelectorAll('.waiting[data-since]')) {
      const since = Date.parse(node.getAttribute('data-since'));
      if (!Number.isNaN(since)) node.textContent = `waiting ${waitedText(Date.now() - since)}`;
    }
  };

  const refreshTitle = () => {
    const summary = document.getElementById('waiting-summary');
    if (summary) document.title = `(${summary.getAttribute('data-total')}) Waiting · Switchboard review desk`;
  };

  /** The list replaces itself with the server's current one; a failed fetch keeps the old list. */
  const startListRefresh = (queue) => {
    const url = queue.getAttribute('data-refresh-url');
    let busy = false;
    const timer = setInterval(() => {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
        .then((r) => {
          if (r.status === 401) {
            // Signed out: stop asking, keep the list as it was, and let the session watcher say so.
            clearInterval(timer);
            unauthorized();
            return null;
          }
          return r.ok ? r.text() : null;
        })
        .then((html) => {
          if (html === null) return;
          queue.innerHTML = html;
          localTimes(queue);
          waitingTimes(queue);
          refreshTitle();
        })
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, REFRESH_MS);
  };

  const onTicketPage = (form) => {
    const key = DRAFT + form.dataset.ticket;
    const routing = JSON.parse(form.dataset.routing || '{}');
    const field = (name) => form.elements.namedItem(name);

    const save = () => {
      const draft = {};
      for (const name of FIELDS) draft[name] = field(name)?.value ?? '';
      try {
        sessionStorage.setItem(key, JSON.stringify(draft));
      } catch {
        // Storage full or disabled: the form still works, only the safety net is gone.
      }
    };
    const kept = (() => {
      try {
        return JSON.parse(sessionStorage.getItem(key) || 'null');
      } catch {
        return null;
      }
    })();
    if (kept && typeof kept === 'object') {
      for (const name of FIELDS) {
        const el = field(name);
        if (el && typeof kept[name] === 'string') el.value = kept[name];
      }
      const note = document.getElementById('draft-restored');
      if (note) note.hidden = false;
    }

    field('category')?.addEventListener('change', (e) => {
      const team = routing[e.target.value];
      if (team && field('team')) field('team').value = team;
    });
    form.addEventListener('input', save);
    form.addEventListener('change', save);

    // The lease renewal: the claim lasts while the page is open. A 401 is a lapsed session (the draft is
    // kept for after the sign-in); any other refusal is a lapsed claim, which needs claiming again.
    const lease = document.getElementById('lease');
    const every = Number(form.dataset.renewMs) || 60000;
    setInterval(() => {
      fetch(form.dataset.renewUrl, {
        method: 'POST',
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
        .then((r) => {
          if (r.status === 401) {
            save();
            if (lease) lease.textContent = 'Your session expired: sign in again; your correction is kept in this tab.';
            unauthorized();
          } else if (!r.ok && lease) {
            lease.textContent = 'Your claim has expired: claim the ticket again before resolving.';
          }
        })
        .catch(() => {});
    }, every);
  };

  const submit = (id) => {
    const form = document.getElementById(id);
    if (!form) return false;
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
    return true;
  };

  /** n: claim next · c: claim · r: resolve · x: release; never while typing in a field. */
  const KEYS = { n: 'claim-next', c: 'claim', r: 'resolve', x: 'release' };
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const t = e.target;
    const tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || t?.isContentEditable) return;
    const id = KEYS[e.key];
    if (id && submit(id)) e.preventDefault();
  });

  const start = () => {
    localTimes(document);
    waitingTimes(document);
    refreshTitle();
    setInterval(() => waitingTimes(document), 30000);
    const queue = document.getElementById('queue');
    if (queue) startListRefresh(queue);
    const form = document.getElementById('resolve');
    if (form) onTicketPage(form);
    const resolved = document.querySelector('[data-resolved]');
    if (resolved) sessionStorage.removeItem(DRAFT + resolved.getAttribute('data-resolved'));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
