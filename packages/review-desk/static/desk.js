// The review desk's only script, served as a file so the pages need no inline script (a strict
// Content-Security-Policy can forbid it). Every feature here is an extra: without it the pages
// still work as plain forms and links.
'use strict';

(function () {
  var REFRESH_MS = 5000;

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }

  /** UTC timestamps from the server, shown in the reader's own time zone. */
  function localTimes(root) {
    var nodes = root.querySelectorAll('time.local-time[datetime]');
    for (var i = 0; i < nodes.length; i++) {
      var t = new Date(nodes[i].getAttribute('datetime'));
      if (isNaN(t.getTime())) continue;
      var today = new Date();
      var sameDay = t.toDateString() === today.toDateString();
      nodes[i].textContent =
        (sameDay ? 'today ' : t.toLocaleDateString(undefined, { day: 'numeric', month: 'short' }) + ' ') +
        pad(t.getHours()) +
        ':' +
        pad(t.getMinutes());
      nodes[i].title = t.toString();
    }
  }

  function waitedText(ms) {
    var m = Math.max(0, Math.floor(ms / 60000));
    if (m < 60) return m + ' min';
    var h = Math.floor(m / 60);
    return h < 48 ? h + ' h ' + (m % 60) + ' min' : Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  /** "waiting 12 min", counted on from the ticket's arrival while the page stays open. */
  function waitingTimes(root) {
    var nodes = root.querySelectorAll('.waiting[data-since]');
    for (var i = 0; i < nodes.length; i++) {
      var since = Date.parse(nodes[i].getAttribute('data-since'));
      if (!isNaN(since)) nodes[i].textContent = 'waiting ' + waitedText(Date.now() - since);
    }
  }

  function refreshTitle() {
    var summary = document.getElementById('waiting-summary');
    if (summary) document.title = '(' + summary.getAttribute('data-total') + ') Waiting · Switchboard review desk';
  }

  /** The list replaces itself with the server's current one; a failed fetch keeps the old list. */
  function startListRefresh() {
    var queue = document.getElementById('queue');
    if (!queue) return;
    var url = queue.getAttribute('data-refresh-url');
    var busy = false;
    setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (r) {
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html === null) return;
          queue.innerHTML = html;
          localTimes(queue);
          waitingTimes(queue);
          refreshTitle();
        })
        .catch(function () {})
        .then(function () {
          busy = false;
        });
    }, REFRESH_MS);
  }

  /** The open ticket page keeps the reviewer's claim alive; a lapsed claim is said at once. */
  function startResolveForm() {
    var form = document.getElementById('resolve');
    if (!form) return;
    var routing = JSON.parse(form.getAttribute('data-routing') || '{}');
    var category = document.getElementById('category');
    var team = document.getElementById('team');
    if (category && team)
      category.addEventListener('change', function () {
        if (routing[category.value]) team.value = routing[category.value];
      });
    var url = form.getAttribute('data-renew-url');
    var every = Number(form.getAttribute('data-renew-ms')) || 60000;
    setInterval(function () {
      fetch(url, { method: 'POST', headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) {
            var lease = document.getElementById('lease');
            if (lease) lease.textContent = 'Your claim has expired: claim the ticket again before resolving.';
          }
        })
        .catch(function () {});
    }, every);
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (!form) return false;
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
    return true;
  }

  /** n: claim next · c: claim · r: resolve · x: release; never while typing in a field. */
  var KEYS = { n: 'claim-next', c: 'claim', r: 'resolve', x: 'release' };
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    var t = e.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable)) return;
    var id = KEYS[e.key];
    if (id && submit(id)) e.preventDefault();
  });

  function start() {
    localTimes(document);
    waitingTimes(document);
    refreshTitle();
    startListRefresh();
    startResolveForm();
    setInterval(function () {
      waitingTimes(document);
    }, 30000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
