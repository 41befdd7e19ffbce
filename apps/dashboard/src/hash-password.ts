import { runHashPasswordCommand } from '@switchboard/web-auth';

/**
 * Prints the scrypt hash DASHBOARD_USERS wants for a password, read without echo or from a pipe.
 *
 *   pnpm --silent --filter @switchboard/app-dashboard hash-password
 *   printf '%s' "$PASSWORD" | pnpm --silent --filter @switchboard/app-dashboard hash-password
 */
await runHashPasswordCommand();
