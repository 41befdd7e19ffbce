import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PASSWORD_HASH, verifyPassword } from '@switchboard/web-auth';

const script = fileURLToPath(new URL('./hash-password.ts', import.meta.url));
// From the app's folder, where `tsx` resolves, whatever folder the test runner started in.
const cwd = fileURLToPath(new URL('..', import.meta.url));
const run = (input: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', script], { cwd, input, encoding: 'utf8', timeout: 20_000 });

describe('hash-password', () => {
  it('prints a scrypt hash of the piped password that verifies, and nothing else', async () => {
    const res = run('a long enough password\n');
    expect(res.status).toBe(0);
    const hash = res.stdout.trim();
    expect(hash).toMatch(PASSWORD_HASH);
    expect(await verifyPassword('a long enough password', hash)).toBe(true);
  });

  it('refuses a short password', () => {
    const res = run('short');
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/at least 12 characters/);
  });
});
