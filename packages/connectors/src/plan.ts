import type { Priority } from '@switchboard/core';
import type { RoutedTicket } from '@switchboard/queues';
import type { GroupMap } from './env.js';

/** What one decision changes on the helpdesk ticket, whichever product it is. */
export interface WriteBackPlan {
  /** The group to move the ticket to; undefined when the team has no group mapped (tags and note still go). */
  groupId: number | undefined;
  priority: Priority | undefined;
  tags: string[];
  /** The internal note: where, why, and the marker line. */
  note: string;
  /**
   * A line only this decision's note carries: finding it on the ticket means an earlier attempt already
   * wrote this decision (a worker killed after the helpdesk answered), so nothing is written twice.
   */
  marker: string;
  decision: 'machine' | 'human';
}

/** Tags are lower case letters, digits and underscores in both products. */
export const tagOf = (...parts: string[]): string =>
  ['switchboard', ...parts]
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+$/g, '');

/** The marker line of a decision's note (the job id names the decision). */
export const markerOf = (decisionId: string): string => `[switchboard decision ${decisionId}]`;

/**
 * The write-back of one routed ticket: its team's group (the triage group when escalated), the
 * decision's priority, tags for the category, the deciding tier and the escalation reasons, and an
 * internal note with the rationale and reason codes.
 */
export function planWriteBack(
  routed: RoutedTicket,
  groups: GroupMap & { triage: number },
  decisionId: string,
  /** A person's answer from the review desk (its job id ends in `-human`), not the machine's decision. */
  human = false,
): WriteBackPlan {
  const { record, route } = routed;
  const decided = record.decision;
  const groupId = route.escalated && !human ? groups.triage : groups[route.team];
  const tags = [
    ...(decided && !human ? [tagOf(decided.category)] : []),
    tagOf('via', route.via),
    ...(route.escalated && !human ? [tagOf('escalated'), ...route.reasons.map((r) => tagOf('reason', r))] : []),
  ];
  const where = groupId === undefined ? `(no group mapped for ${route.team})` : `group ${groupId}`;
  const lines = human
    ? [`Switchboard review desk: a person routed this ticket to ${route.team}, ${where}.`]
    : route.escalated
      ? [
          `Switchboard escalated this ticket to a person: triage ${where}.`,
          `Reasons: ${route.reasons.join(', ') || 'none recorded'}.`,
          ...(decided
            ? [
                `Suggested: ${route.team}, category ${decided.category}, priority ${decided.priority}, confidence ${decided.confidence.toFixed(2)} (${record.tier ?? 'no tier'}).`,
              ]
            : []),
        ]
      : [
          `Switchboard routed this ticket to ${route.team}, ${where}.`,
          decided
            ? `Category ${decided.category}, priority ${decided.priority}, via ${route.via}, confidence ${decided.confidence.toFixed(2)}.`
            : `Via ${route.via}.`,
          ...(route.reasons.length > 0 ? [`Reasons: ${route.reasons.join(', ')}.`] : []),
        ];
  if (decided?.rationale) lines.push(`Rationale: ${decided.rationale}`);
  const marker = markerOf(decisionId);
  lines.push(marker);
  return {
    groupId,
    // A person's answer carries their team; the priority in the record is still the machine's.
    priority: human ? undefined : decided?.priority,
    tags: [...new Set(tags)],
    note: lines.join('\n'),
    marker,
    decision: human ? 'human' : 'machine',
  };
}
