import type { Ticket } from '@switchboard/core';
import type { PilotTicket } from './rows.js';

/**
 * A disagreement the agent settled, as a candidate row for the eval set (eval/sets format plus
 * where it came from). A person reviews it before it joins the set.
 */
export function pilotCandidate(ticket: Ticket, t: PilotTicket): Record<string, unknown> | null {
  if (!t.feedback) return null;
  return {
    id: `pilot-${ticket.id}`.slice(0, 128),
    subject: ticket.subject ?? '',
    body: ticket.body,
    language: ticket.language ?? null,
    expected: {
      category: t.feedback.category,
      priority: t.feedback.priority,
      team: t.feedback.team,
      escalation: t.route.escalated,
    },
    tags: ['from_pilot'],
    source: { ticketId: ticket.id, feedbackAt: t.feedback.receivedAt, newRouter: t.next, legacyRouter: t.legacy },
  };
}
