/* global document, NodeFilter, MutationObserver, requestAnimationFrame */
// Names for Bull Board's icon-only buttons, which it renders without one (screen readers announce
// them as "button"). Served as a file (`registerAssets`, the CSP allows no inline script) and loaded by the board page; it only adds
// aria-label where a control has no name, and follows the page as React re-renders it.
'use strict';

(function () {
  /** Text outside icons: an icon's <svg> carries <style> and <title> text that is no label. */
  function visibleText(el) {
    var text = '';
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement || !n.parentElement.closest('svg')) text += n.nodeValue;
    }
    return text.trim();
  }

  function named(el) {
    return Boolean(
      (el.getAttribute('aria-label') || '').trim() ||
      (el.getAttribute('title') || '').trim() ||
      el.getAttribute('aria-labelledby') ||
      visibleText(el),
    );
  }

  function cardTitle(el) {
    var node = el;
    for (var i = 0; node && i < 8; i++, node = node.parentElement) {
      var link = node.querySelector && node.querySelector('a[title]');
      if (link) return link.getAttribute('title');
    }
    return 'this queue';
  }

  // Bull Board 9.x header: [Redis details] [Docs link] [Full screen] [Settings] [links menu].
  var HEADER = ['Redis details', null, 'Full screen', 'Settings', 'Menu: dead-letter replay and sign out'];

  function label(el) {
    if (named(el)) return;
    var list = el.closest('ul[class*="actions-"]');
    if (list) {
      var items = Array.prototype.slice.call(list.children);
      var offset = HEADER.length - items.length; // Redis details hidden: the list is one shorter
      var name = HEADER[items.indexOf(el.closest('li')) + offset];
      if (name) el.setAttribute('aria-label', name);
      return;
    }
    if (el.closest('[class*="headerContext-"]')) return el.setAttribute('aria-label', 'Actions for ' + cardTitle(el));
    if (el.closest('[class*="headerControls-"]')) return el.setAttribute('aria-label', 'Actions for all queues');
    if (el.closest('[class*="jobCard"], [class*="job-"]')) return el.setAttribute('aria-label', 'Job actions');
    if (el.getAttribute('aria-haspopup') === 'menu') return el.setAttribute('aria-label', 'More actions');
    // The one other icon button Bull Board draws is the sidebar toggle in the page header.
    if (el.closest('header, [class*="header"]')) el.setAttribute('aria-label', 'Show or hide the queue list');
  }

  function sweep() {
    var buttons = document.querySelectorAll('button, [role="button"]');
    for (var i = 0; i < buttons.length; i++) label(buttons[i]);
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      sweep();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  sweep();
})();
