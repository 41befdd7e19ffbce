import { createInterface } from 'node:readline';
import { hashPassword } from '@switchboard/web-auth';

export const HASH_PASSWORD_USAGE = 'pnpm ops hash-password   (reads the password from stdin, so it stays out of shell history)';

/** Prints the scrypt hash that goes into DASHBOARD_USERS / REVIEW_DESK_USERS. */
export async function hashPasswordCommand(): Promise<void> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  if (line.length < 12) throw new Error('use a password of at least 12 characters');
  console.log(await hashPassword(line));
}
