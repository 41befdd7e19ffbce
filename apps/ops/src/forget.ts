import { z } from 'zod';
import { TicketId } from '@switchboard/core';
import { forgetCustomer } from '@switchboard/lifecycle';
import { allQueueDefs } from '@switchboard/queues';
import { forgetReviewTraces } from '@switchboard/review-desk';
import { parseCommand, usageLine, UsageError } from './args.js';
import type { Command } from './cli.js';
import { openOpsFleet } from './dead-letter.js';

const FORGET = {
  command: 'forget',
  summary:
    "Erases a customer's text (a GDPR/KVKK erasure request): training store, ticket records, every queue's kept jobs, the review desk's eval candidates and resolution notes. Prints what it removed.",
  options: {
    email: { type: 'string', value: '<address>', description: "the customer's e-mail address: all their tickets" },
    ticket: { type: 'string', value: '<id>', description: 'one ticket by id' },
  },
} as const;

/** `forget --email <address>` / `--ticket <id>`: an erasure request, answered with what was removed. */
export const forgetCommand: Command = {
  spec: FORGET,
  async run(argv, ctx) {
    const parsed = parseCommand(FORGET, argv, ctx.print);
    if (!parsed) return;
    const { email, ticket } = parsed.values;
    if (email === undefined && ticket === undefined)
      throw new UsageError('forget: give --email <address> or --ticket <id>', usageLine(FORGET));
    if (email !== undefined && !z.email().safeParse(email.trim()).success)
      throw new UsageError(`forget: --email ${email} is not an e-mail address`, usageLine(FORGET));
    if (ticket !== undefined && !TicketId.safeParse(ticket).success)
      throw new UsageError(`forget: --ticket ${ticket} is not a ticket id`, usageLine(FORGET));
    const fleet = await openOpsFleet(ctx);
    const report = await forgetCustomer(
      {
        ctx: fleet.ctx,
        store: fleet.store,
        training: fleet.training,
        queues: allQueueDefs(),
        erasers: [
          {
            place: 'review desk',
            forget: async (ids) => {
              const r = await forgetReviewTraces(fleet.redis, fleet.ctx.prefix, ids);
              return { 'eval candidates': r.candidates, 'resolution notes': r.resolutionNotes };
            },
          },
        ],
      },
      { email: email?.trim(), ticketIds: ticket === undefined ? [] : [ticket] },
    );
    const who = [email && `e-mail ${email.trim()}`, ticket && `ticket ${ticket}`].filter(Boolean).join(' and ');
    ctx.print(
      report.tickets.length
        ? `${who}: ${report.tickets.length} ticket(s): ${report.tickets.join(' ')}`
        : `${who}: no tickets found`,
    );
    const places = Object.entries(report.removed);
    if (!places.length) ctx.print('  nothing held their text');
    for (const [place, n] of places) ctx.print(`  ${place}: ${n}`);
    ctx.print('kept: daily traffic, guard and live-accuracy counters (they hold no text); ticket ids on the records');
    if (report.busy.length) {
      ctx.print(`NOT removed, a worker held them: ${report.busy.join(' ')}; run forget again once they have finished`);
      process.exitCode = 1;
    }
  },
};
