import { text } from 'node:stream/consumers';
import { hashPassword } from './password.js';

// Long enough that a leaked hash is not cracked over a weekend; these logins guard retries and resolutions.
export const MIN_PASSWORD_LENGTH = 12;

function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return (finish(), resolve(value));
        if (ch === '\u0003') return (finish(), reject(new Error('cancelled')));
        value = ch === '\u007f' || ch === '\b' ? [...value].slice(0, -1).join('') : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** From the terminal without echo (asked twice), or from a pipe; never from the command line, where `ps` and history keep it. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return (await text(process.stdin)).replace(/\r?\n$/, '');
  const first = await promptHidden('Password: ');
  if ((await promptHidden('Repeat it: ')) !== first) throw new Error('the two passwords differ');
  return first;
}

/** The `hash-password` command: prints the scrypt hash a users setting (DASHBOARD_USERS, REVIEW_DESK_USERS) wants. */
export async function runHashPasswordCommand(): Promise<void> {
  try {
    const password = await readPassword();
    if ([...password].length < MIN_PASSWORD_LENGTH) throw new Error(`use at least ${MIN_PASSWORD_LENGTH} characters`);
    process.stdout.write(`${await hashPassword(password)}\n`);
  } catch (err) {
    process.stderr.write(`hash-password: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
