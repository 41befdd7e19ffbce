import { escapeHtml as esc } from '@switchboard/core';

/** Where web-auth serves its own files (stylesheet, session watcher), under the app's base path. */
export const AUTH_ASSETS = '/_auth';

/** The shared page chrome (body, header bar, main) of the apps' working pages, linked before their own stylesheet. */
export const chromeStylesheet = (base: string): string =>
  `<link rel="stylesheet" href="${esc(base)}${AUTH_ASSETS}/chrome.css">`;

export interface SimplePage {
  base: string;
  appName: string;
  title: string;
  /** Trusted HTML: callers escape what they interpolate. */
  body: string;
}

/** A small centred page (login, sign-out, errors) with the shared stylesheet and no inline script or style. */
export function simplePage(p: SimplePage): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)} · ${esc(p.appName)}</title>
<link rel="stylesheet" href="${esc(p.base)}${AUTH_ASSETS}/web.css"></head>
<body><main class="box">${p.body}</main></body></html>`;
}

export interface LoginPageOptions {
  base: string;
  appName: string;
  next: string;
  csrf: string;
  error?: string;
  /** The browser came with a session that has ended: say so, rather than a bare login form. */
  expired?: boolean;
}

export function loginPage(o: LoginPageOptions): string {
  return simplePage({
    base: o.base,
    appName: o.appName,
    title: 'Sign in',
    body: `<form method="post" action="${esc(o.base)}/login" class="box-form">
<h1>${esc(o.appName)}</h1>
${o.expired && !o.error ? '<p class="notice" role="status">Your session expired. Sign in again to go back to where you were; what you had not saved on the page is kept in this tab.</p>' : ''}
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
<p><label>Username <input name="username" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<input type="hidden" name="next" value="${esc(o.next)}">
<input type="hidden" name="_csrf" value="${esc(o.csrf)}">
<p><button type="submit">Sign in</button></p>
</form>`,
  });
}

export interface ErrorPageOptions {
  base: string;
  appName: string;
  status: number;
  title: string;
  /** Plain text; escaped here. */
  message: string;
  /** Where to go from here: [href, label] pairs. */
  links?: readonly (readonly [string, string])[];
}

export function errorPage(o: ErrorPageOptions): string {
  const links = (o.links ?? [[`${o.base}/`, 'Back to the start page']])
    .map(([href, label]) => `<a href="${esc(href)}">${esc(label)}</a>`)
    .join(' · ');
  return simplePage({
    base: o.base,
    appName: o.appName,
    title: o.title,
    body: `<h1>${esc(o.title)}</h1><p class="muted">Error ${o.status}</p><p role="alert">${esc(o.message)}</p><p>${links}</p>`,
  });
}
