/**
 * The web login signs out only on POST (a GET link could be fired by any page); Bull Board's menu
 * can only hold links, so its "Sign out" link lands here, on a one-button form that posts.
 */
export const signOutPage =
  (): string => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign out · Switchboard dashboard</title>
<style>body{font:15px/1.4 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#1d2430}
form{display:grid;gap:.7rem;padding:1.5rem;border:1px solid #d0d5dd;border-radius:8px}button{font:inherit;padding:.45rem .6rem;cursor:pointer}</style></head>
<body><form method="post" action="/logout"><p style="margin:0">Sign out of the Switchboard dashboard?</p><button type="submit">Sign out</button></form></body></html>`;
