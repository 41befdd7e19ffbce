import { z } from 'zod';
import { PASSWORD_HASH } from './password.js';

export const ROLES = ['viewer', 'operator', 'reviewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Users from config: a name, one or more roles, and a scrypt hash (`pnpm ops hash-password`), never a password. */
export const WebUser = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits, ".", "_", "@" or "-", at most 64'),
  roles: z.array(Role).min(1),
  passwordHash: z.string().regex(PASSWORD_HASH, 'must be a scrypt hash from `pnpm ops hash-password`'),
});
export type WebUser = z.infer<typeof WebUser>;

export const WebUsers = z
  .array(WebUser)
  .min(1)
  .refine((users) => new Set(users.map((u) => u.username)).size === users.length, {
    message: 'usernames must be unique',
  });
