// Makes `npm start` / `npm test` work on a machine with only Node: installs pnpm 10 and the
// workspace's dependencies when they are missing or older than the lockfile. Plain JS on purpose:
// it runs before any dependency exists.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const has = (cmd) => {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
};

if (!has('pnpm --version').startsWith('10.')) {
  console.log('installing pnpm 10 (npm install -g pnpm@10)…');
  try {
    run('npm install -g pnpm@10');
  } catch {
    console.error(
      'Could not install pnpm globally. Install it yourself (npm install -g pnpm@10, maybe with sudo) and retry.',
    );
    process.exit(1);
  }
}

const marker = 'node_modules/.modules.yaml';
const stale = !existsSync(marker) || statSync('pnpm-lock.yaml').mtimeMs > statSync(marker).mtimeMs;
if (stale) run('pnpm install --frozen-lockfile');
