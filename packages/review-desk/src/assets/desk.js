/* global document, sessionStorage, fetch, CustomEvent, setInterval */
// The review desk's script (a file: the CSP allows no inline script). On the ticket page: choosing a
// category fills its team, the claim is renewed while the page is open, and the correction being typed
// is kept in this tab's sessionStorage, so a session that expires mid-ticket loses nothing: after
// signing in again the page puts it back. On the list: a resolved ticket's kept draft is dropped.
(() => {
  const DRAFT = 'sb-desk-draft:';
  const FIELDS = ['category', 'team', 'priority', 'note'];

  const onTicketPage = (form) => {
    const ticket = form.dataset.ticket;
    const routing = JSON.parse(form.dataset.routing || '{}');
    const key = DRAFT + ticket;
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

    const lease = document.getElementById('lease');
    const renewUrl = form.dataset.renewUrl;
    const every = Number(form.dataset.renewMs) || 60000;
    setInterval(() => {
      fetch(renewUrl, { method: 'POST', headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then((r) => {
          if (r.status === 401) {
            save();
            if (lease) lease.textContent = 'Your session expired: sign in again; your correction is kept in this tab.';
            document.dispatchEvent(new CustomEvent('sb:unauthorized'));
          } else if (!r.ok && lease) {
            lease.textContent = 'Your claim has expired: claim the ticket again before resolving.';
          }
        })
        .catch(() => {});
    }, every);
  };

  const start = () => {
    const form = document.getElementById('resolve');
    if (form) onTicketPage(form);
    const resolved = document.querySelector('[data-resolved]');
    if (resolved) sessionStorage.removeItem(DRAFT + resolved.getAttribute('data-resolved'));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
