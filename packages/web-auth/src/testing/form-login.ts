import type { FastifyInstance } from 'fastify';

// Shared by this package's tests only; not exported from the package.

/** The login form as a browser sends it: the page first (its CSRF cookie and token), then the post. */
export async function formLogin(
  app: FastifyInstance,
  fields: { username: string; password: string; next?: string },
  cookie?: string,
  base = '/desk',
) {
  const form = await app.inject({ url: `${base}/login`, ...(cookie ? { headers: { cookie } } : {}) });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const csrfCookie = [form.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]);
  return app.inject({
    method: 'POST',
    url: `${base}/login`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...csrfCookie, ...(cookie ? [cookie] : [])].join('; '),
    },
    payload: new URLSearchParams({ next: `${base}/`, ...fields, _csrf: token }).toString(),
  });
}
