import { z } from 'zod';

export const MAX_BODY_BYTES = 32 * 1024;
export const TICKET_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;

export const TicketId = z
  .string()
  .regex(TICKET_ID_PATTERN, 'must be 1..128 characters of letters, digits, "-", "_" or "."');

/** A ticket as upstream systems send it. Unknown top-level keys are rejected so typos surface. */
export const TicketInput = z.strictObject({
  id: TicketId,
  subject: z.string().max(1000).optional(),
  body: z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => byteLength(s) <= MAX_BODY_BYTES, { message: `must be at most ${MAX_BODY_BYTES} bytes (32 KiB)` }),
  channel: z.string().max(64).optional(),
  customer: z
    .strictObject({
      id: z.string().max(256).optional(),
      email: z.email().max(320).optional(),
      tier: z.string().max(64).optional(),
    })
    .optional(),
  language: z.string().min(2).max(35).optional(),
  metadata: z
    .record(z.string().max(128), z.union([z.string().max(2048), z.number(), z.boolean(), z.null()]))
    .refine((m) => Object.keys(m).length <= 50, { message: 'must have at most 50 keys' })
    .optional(),
});
export type TicketInput = z.infer<typeof TicketInput>;

/** A ticket once accepted: what the pipeline carries from queue to queue. */
export const Ticket = TicketInput.extend({ receivedAt: z.iso.datetime() });
export type Ticket = z.infer<typeof Ticket>;

/** One readable line per problem, naming the field, e.g. `body: must not be empty`. */
export function describeZodError(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
