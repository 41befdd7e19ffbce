import { z } from 'zod';
import { Role } from './users.js';

/** Who a request comes from: the user, the roles the user list gives them now, and until when. */
export const SessionUser = z.object({ username: z.string(), roles: z.array(Role), exp: z.number() });
export type SessionUser = z.infer<typeof SessionUser>;
