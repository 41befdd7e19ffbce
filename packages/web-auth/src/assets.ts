import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

export interface AssetOptions {
  /** Where the files are served, e.g. `/desk/assets`: `<path>/<name>`. */
  path: string;
  /** The folder they are read from, as a URL (`new URL('./assets/', import.meta.url)`). */
  dir: URL;
  /** The file names served; nothing else under `dir` is reachable. Each ends in `.css` or `.js`. */
  files: readonly string[];
}

/**
 * The one way the fleet's web apps serve their own scripts and stylesheets: the CSP allows no inline
 * script or style, so every page loads files, and this serves them. The files are read once at start
 * (a missing one fails start-up, not a page), only the listed names are served, and they are
 * revalidated on each load (`no-cache`), so a deploy never leaves a page with yesterday's script.
 * Open to everyone: the login page needs them before anyone has signed in, and they hold no data.
 */
export async function registerAssets(app: FastifyInstance, opts: AssetOptions): Promise<void> {
  const assets = new Map<string, { type: string; body: string }>();
  for (const name of opts.files) {
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (!type || name.includes('/')) throw new Error(`asset ${name}: only .css and .js files in the folder itself`);
    assets.set(name, { type, body: await readFile(new URL(name, opts.dir), 'utf8') });
  }
  app.get(`${opts.path}/:file`, async (req, reply) => {
    const asset = assets.get((req.params as Record<string, string>).file ?? '');
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
}
