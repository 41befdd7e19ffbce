export { runHashPasswordCommand as hashPasswordCommand } from '@switchboard/web-auth';

export const HASH_PASSWORD_USAGE =
  'pnpm ops hash-password   (asks twice without echo, or reads a pipe; never from the command line)';
