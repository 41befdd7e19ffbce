import { escapeHtml as esc } from '@switchboard/core';
import { simplePage } from '@switchboard/web-auth';

/**
 * The web login signs out only on POST (a GET link could be fired by any page); Bull Board's menu
 * can only hold links, so its "Sign out" link lands here, on a one-button form that posts.
 */
export const signOutPage = (csrf: string): string =>
  simplePage({
    base: '',
    appName: 'Switchboard dashboard',
    title: 'Sign out',
    body: `<form method="post" action="/logout"><p>Sign out of the Switchboard dashboard?</p>
<input type="hidden" name="_csrf" value="${esc(csrf)}"><p><button type="submit">Sign out</button></p></form>`,
  });
