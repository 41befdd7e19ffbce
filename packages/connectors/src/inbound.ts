import {
  CATEGORIES,
  connectorTicketId,
  DEFAULT_ROUTING_TABLE,
  MAX_BODY_BYTES,
  type Category,
  type Connector,
  type Priority,
  type RoutingTable,
  type Team,
  type TicketInput,
} from '@switchboard/core';
import type { Feedback, TicketView } from '@switchboard/queues';
import { teamOfGroup } from './config.js';
import type { GroupMap } from './env.js';
import { tagOf } from './plan.js';

/** A helpdesk ticket as either product's webhook describes it, in one shape. */
export interface UpstreamTicket {
  connector: Connector;
  upstreamId: string;
  subject?: string | undefined;
  body?: string | undefined;
  requesterEmail?: string | undefined;
  channel?: string | undefined;
  language?: string | undefined;
  groupId?: number | undefined;
  assigneeId?: number | undefined;
  priority?: Priority | undefined;
  /** Solved or closed (Zendesk), closed or merged (Zammad): the agents' answer is final. */
  closed: boolean;
  tags: string[];
  /** Who made the change, for the feedback's audit field. */
  updatedBy?: string | undefined;
}

/**
 * The metadata keys a connector ticket carries: the helpdesk state at ingest, which the write-back
 * compares with, so a person who routed the ticket in the meantime is not overwritten.
 */
export const UPSTREAM_GROUP = 'upstream_group_id';
export const UPSTREAM_ASSIGNEE = 'upstream_assignee_id';

const utf8 = new TextEncoder();

/** Cuts text to at most `max` UTF-8 bytes without splitting a character: a long e-mail is still a ticket. */
export function truncateBytes(text: string, max: number): string {
  if (utf8.encode(text).length <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8.encode(ch).length;
    if (used + n > max - 3) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Our ticket for a helpdesk ticket: id namespaced per connector, text cut to our limit, nothing invalid passed on. */
export function toTicketInput(t: UpstreamTicket): TicketInput {
  const body = (t.body ?? '').trim() || (t.subject ?? '').trim() || '(no text)';
  const subject = t.subject?.trim();
  return {
    id: connectorTicketId(t.connector, t.upstreamId),
    ...(subject ? { subject: subject.slice(0, 1000) } : {}),
    body: truncateBytes(body, MAX_BODY_BYTES),
    ...(t.channel ? { channel: t.channel.slice(0, 64) } : {}),
    ...(t.requesterEmail && EMAIL.test(t.requesterEmail) && t.requesterEmail.length <= 320
      ? { customer: { email: t.requesterEmail } }
      : {}),
    ...(t.language ? { language: t.language } : {}),
    metadata: {
      connector: t.connector,
      [UPSTREAM_GROUP]: t.groupId ?? null,
      [UPSTREAM_ASSIGNEE]: t.assigneeId ?? null,
    },
  };
}

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en',
  german: 'de',
  deutsch: 'de',
  turkish: 'tr',
  türkçe: 'tr',
  french: 'fr',
  français: 'fr',
  spanish: 'es',
  español: 'es',
  italian: 'it',
  dutch: 'nl',
  portuguese: 'pt',
};

/** A locale (`en-US`, `de`) as given, or a language name Zendesk renders (`English`) as its code. */
export function normalizeLanguage(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i.test(v)) return v.replace('_', '-');
  const name = v.toLowerCase().split(/[\s(]/)[0] ?? '';
  return LANGUAGE_NAMES[name];
}

/** What the ticket's helpdesk event means to us. */
export type InboundAction =
  | { kind: 'create' }
  | { kind: 'feedback'; feedback: Feedback; why: 'closed' | 'group_changed' }
  | { kind: 'ignore'; reason: string };

/**
 * Decides what a webhook means from what we know of the ticket, so one webhook per product (created and
 * updated triggers alike) is enough: an unknown ticket is new; a known one that is closed, or that a
 * person moved to a group other than the one Switchboard routed it to, is the agents' final answer
 * (ground truth); anything else (our own write-back coming back as an update, an unrelated edit) is
 * ignored.
 */
export function inboundAction(
  t: UpstreamTicket,
  known: TicketView | undefined,
  groups: GroupMap & { triage?: number },
  routing: RoutingTable = DEFAULT_ROUTING_TABLE,
): InboundAction {
  if (!known) return t.closed ? { kind: 'ignore', reason: 'closed before Switchboard saw it' } : { kind: 'create' };
  const team = teamOfGroup(groups, t.groupId);
  if (t.closed) {
    if (!team) return { kind: 'ignore', reason: `closed in group ${t.groupId ?? 'none'}, which no team is mapped to` };
    return { kind: 'feedback', feedback: feedbackOf(t, team, known, routing), why: 'closed' };
  }
  if (!known.route) return { kind: 'ignore', reason: 'not routed yet: nothing to compare the group with' };
  const ours = known.writeBack?.outcome === 'written' ? known.writeBack.group : undefined;
  // An escalated ticket sits in triage until a person answers in the review desk (then: their team).
  const routedGroup = ours ?? (known.route.escalated && !known.resolution ? groups.triage : groups[known.route.team]);
  if (t.groupId === undefined || t.groupId === routedGroup) return { kind: 'ignore', reason: 'group unchanged' };
  if (!team) return { kind: 'ignore', reason: `moved to group ${t.groupId}, which no team is mapped to` };
  return { kind: 'feedback', feedback: feedbackOf(t, team, known, routing), why: 'group_changed' };
}

/**
 * The agents' answer as feedback: their group's team; the category from a `switchboard_<category>` tag
 * when it agrees with that team (an agent corrects the category by changing the tag), else the
 * category the routing table gives the team (`other` when none does); their priority, else ours.
 */
export function feedbackOf(t: UpstreamTicket, team: Team, known: TicketView, routing: RoutingTable): Feedback {
  const tagged = CATEGORIES.filter((c) => t.tags.includes(tagOf(c)) && routing[c] === team);
  const byTable = CATEGORIES.find((c) => routing[c] === team);
  const category: Category = tagged[0] ?? byTable ?? 'other';
  const priority: Priority = t.priority ?? known.decision?.decision?.priority ?? 'medium';
  return { category, team, priority, ...(t.updatedBy ? { agent: t.updatedBy.slice(0, 128) } : {}) };
}
