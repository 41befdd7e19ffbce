import { escapeHtml as esc } from '@switchboard/core';

export function loginPage(appName: string, next: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · ${esc(appName)}</title>
<style>body{font:15px/1.4 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#1d2430}
form{display:grid;gap:.7rem;min-width:18rem;padding:1.5rem;border:1px solid #d0d5dd;border-radius:8px}
input,button{font:inherit;padding:.45rem .6rem}button{cursor:pointer}.error{color:#b42318}</style></head>
<body><form method="post" action="login">
<h1 style="font-size:1.2rem;margin:0">${esc(appName)}</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="${esc(next)}">
<button type="submit">Sign in</button>
</form></body></html>`;
}
