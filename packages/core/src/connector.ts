import { z } from 'zod';

/** The helpdesks Switchboard meets where they work: their webhooks in, their REST APIs out. */
export const CONNECTORS = ['zendesk', 'zammad'] as const;
export const Connector = z.enum(CONNECTORS);
export type Connector = z.infer<typeof Connector>;

/** Upstream ticket ids are positive integers in both products; anything else is not one of theirs. */
const UPSTREAM_ID = /^[1-9]\d{0,19}$/;

/**
 * A connector ticket's id in Switchboard: `<connector>-<upstream id>`. The namespace is what says a
 * ticket came from a helpdesk (and so is written back to it); `POST /v1/tickets` may not use it.
 */
export const connectorTicketId = (connector: Connector, upstreamId: string): string => {
  if (!UPSTREAM_ID.test(upstreamId)) throw new Error(`not a ${connector} ticket id: ${upstreamId}`);
  return `${connector}-${upstreamId}`;
};

/** The connector and upstream id of a ticket id in a connector's namespace; undefined for any other id. */
export function connectorOfTicket(ticketId: string): { connector: Connector; upstreamId: string } | undefined {
  const m = /^(zendesk|zammad)-(.+)$/.exec(ticketId);
  if (!m?.[1] || !m[2] || !UPSTREAM_ID.test(m[2])) return undefined;
  return { connector: m[1] as Connector, upstreamId: m[2] };
}

/** True for ids in a connector's namespace, valid or not: those are reserved for the connectors' own routes. */
export const inConnectorNamespace = (ticketId: string): boolean => /^(zendesk|zammad)-/i.test(ticketId);
