import { z } from 'zod';
import { envFragment, flag, jsonOf } from '@switchboard/runtime';
import { PASSWORD_HASH, WebUser, WebUsers } from '@switchboard/web-auth';

export const HASH_PASSWORD_COMMAND = 'pnpm --silent --filter @switchboard/app-dashboard hash-password';

/** The shared user schema, with an error that names this app's way of making a hash. */
const DashboardUser = WebUser.extend({
  passwordHash: z
    .string()
    .regex(PASSWORD_HASH, `must be a scrypt hash from \`${HASH_PASSWORD_COMMAND}\`, never a password`),
});

const DashboardUsers = jsonOf(z.array(DashboardUser))
  .pipe(WebUsers)
  .refine((users) => users.some((u) => u.roles.includes('viewer') || u.roles.includes('operator')), {
    message: 'no user has the viewer or operator role, so nobody could open the dashboard',
  });

export const dashboardEnv = envFragment('dashboard', 'board', {
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3100).describe('Port of the dashboard.'),
  DASHBOARD_HOST: z.string().default('0.0.0.0').describe('Interface the dashboard listens on.'),
  DASHBOARD_USERS: DashboardUsers.describe(
    'JSON [{"username", "roles": ["viewer"|"operator"], "passwordHash"}]; hash with `pnpm ops hash-password`.',
  ),
  DASHBOARD_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
    .describe('Signs session cookies; at least 32 characters.'),
  DASHBOARD_SECURE_COOKIE: flag()
    .default(true)
    .describe('Session cookie only over HTTPS; `false` only for plain-HTTP local development.'),
  DASHBOARD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480)
    .describe('How long a sign-in lasts (about one on-call shift).'),
});
