import { z } from 'zod';

const Ms = z.number().int().positive();

export const ReviewDeskConfig = z.object({
  /** How long a claim lasts without a renewal; an open ticket page renews it. */
  leaseMs: Ms.default(15 * 60_000),
  /** How often an open ticket page renews its claim; well inside the lease. */
  renewEveryMs: Ms.default(60_000),
  /** Time a ticket may wait before it shows as an SLA breach, by the machine's priority. */
  slaMs: z
    .object({ high: Ms, medium: Ms, low: Ms })
    .default({ high: 3_600_000, medium: 4 * 3_600_000, low: 24 * 3_600_000 }),
  /** The list shows at most this many waiting tickets (highest priority, oldest first). */
  listLimit: z.number().int().positive().max(5_000).default(500),
  /** Resolutions, accuracy counters and eval candidates are kept this long. */
  retentionDays: z.number().int().positive().default(90),
  candidatesMax: z.number().int().positive().default(10_000),
});
export type ReviewDeskConfig = z.infer<typeof ReviewDeskConfig>;
export type ReviewDeskConfigInput = z.input<typeof ReviewDeskConfig>;
