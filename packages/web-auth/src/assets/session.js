/* global document, location, fetch, CustomEvent, setInterval */
// Watches the sign-in of a page that stays open (the desk's ticket page, Bull Board): when the session
// has ended, it says so and offers a sign-in that comes back to this very page, instead of leaving
// background requests to fail without a word. Loaded as a file: the pages' CSP allows no inline script.
(() => {
  const me = document.currentScript;
  if (!me) return;
  const statusUrl = me.dataset.statusUrl;
  const loginUrl = me.dataset.loginUrl;
  const everyMs = Number(me.dataset.everyMs) || 30000;
  let shown = false;

  const show = () => {
    if (shown) return;
    shown = true;
    const here = location.pathname + location.search + location.hash;
    const bar = document.createElement('div');
    bar.id = 'session-expired';
    bar.setAttribute('role', 'alert');
    // Styles through the CSSOM: allowed by a CSP without 'unsafe-inline', and needs no stylesheet on Bull Board.
    Object.assign(bar.style, {
      position: 'fixed',
      top: '0',
      left: '0',
      right: '0',
      zIndex: '2147483647',
      padding: '.7rem 1.2rem',
      background: '#fffaeb',
      color: '#93370d',
      borderBottom: '2px solid #f79009',
      font: '15px/1.4 system-ui, sans-serif',
    });
    const text = document.createElement('span');
    text.textContent = me.dataset.message || 'Your session expired. ';
    const link = document.createElement('a');
    link.href = `${loginUrl}?next=${encodeURIComponent(here)}&expired=1`;
    link.textContent = 'Sign in again';
    link.style.fontWeight = '600';
    bar.append(text, link);
    document.body.prepend(bar);
    document.dispatchEvent(new CustomEvent('sb:session-expired'));
  };

  const check = () =>
    fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then((r) => {
        if (r.status === 401) show();
      })
      .catch(() => {});
  // Other scripts of the page (the desk's lease renewal) report a 401 they met this way.
  document.addEventListener('sb:unauthorized', show);
  setInterval(check, everyMs);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
})();
