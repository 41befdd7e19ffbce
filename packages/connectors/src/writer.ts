import type { WriteBackPlan } from './plan.js';

/** The helpdesk state at ingest (or after our last write): what "a person got there first" compares with. */
export interface Baseline {
  groupId: number | null;
  assigneeId: number | null;
}

export interface WriteBackResult {
  outcome: 'written' | 'skipped';
  detail: string;
}

/**
 * One product's write-back of one decision. It reads the ticket first and writes nothing when a person
 * already routed it (group or assignee changed since the baseline, or the ticket is done), or when this
 * decision is already on it (an earlier attempt wrote it and then died). Throws the classes of
 * http.ts for everything else.
 */
export interface HelpdeskWriter {
  readonly connector: 'zendesk' | 'zammad';
  apply(upstreamId: string, plan: WriteBackPlan, baseline: Baseline | undefined): Promise<WriteBackResult>;
}

/** Why the ticket counts as routed by a person since the baseline, or undefined. */
export function personChange(
  current: { groupId: number | null; assigneeId: number | null; done: boolean; status: string },
  baseline: Baseline | undefined,
): string | undefined {
  if (current.done) return `the ticket is already ${current.status}`;
  if (!baseline) return undefined;
  if (current.groupId !== baseline.groupId)
    return `group changed from ${baseline.groupId ?? 'none'} to ${current.groupId ?? 'none'}`;
  if (current.assigneeId !== baseline.assigneeId)
    return `assignee changed from ${baseline.assigneeId ?? 'none'} to ${current.assigneeId ?? 'none'}`;
  return undefined;
}

/** Helpdesk ids arrive as numbers or numeric strings (placeholders render text); anything else is "none". */
export function idOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim()) && Number(value) > 0) return Number(value);
  return null;
}
