import { z } from 'zod';
import { metricsEnvShape, commonEnv, jsonOf } from '@switchboard/runtime';
import { PASSWORD_HASH, WebUser, WebUsers } from '@switchboard/web-auth';

export const HASH_PASSWORD_COMMAND = 'pnpm --silent --filter @switchboard/app-dashboard hash-password';

/** `true`/`false` (or 1/0, yes/no, on/off): `z.coerce.boolean()` would read "false" as true. */
const flag = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' }))
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

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

export const DashboardEnv = commonEnv.extend({
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  DASHBOARD_HOST: z.string().default('0.0.0.0'),
  /** JSON `[{"username","roles":["viewer"|"operator"],"passwordHash"}]`. */
  DASHBOARD_USERS: DashboardUsers,
  DASHBOARD_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)'),
  /** Off only for plain-HTTP local development: the session cookie must not travel unencrypted. */
  DASHBOARD_SECURE_COOKIE: flag.default(true),
  /** About one on-call shift. */
  DASHBOARD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  ...metricsEnvShape({ port: 9105, queueDepths: false }),
});
export type DashboardEnv = z.infer<typeof DashboardEnv>;
