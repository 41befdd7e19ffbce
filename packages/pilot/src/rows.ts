import {
  DecisionRecord,
  DEFAULT_THRESHOLDS,
  REASON,
  Route,
  type Category,
  type PilotInfo,
  type Team,
} from '@switchboard/core';
import { StoredFeedback, type PilotRow } from '@switchboard/queues';

/** One pilot ticket with both routers' answers, read from its record. */
export interface PilotTicket {
  ticketId: string;
  deliveredBy: PilotInfo['deliveredBy'];
  /** The new router's answer; null when it had none (critical ticket, every tier failed). */
  next: { category: Category; team: Team } | null;
  legacy: { category: Category; team: Team };
  route: Route;
  feedback: StoredFeedback | null;
  newCostUsd: number;
  newLatencyMs: number;
  legacyLatencyMs: number;
  critical: boolean;
  /**
   * Whether the new router's own answer would go to a person (unsure, failed, flagged, or high
   * priority without high confidence), whichever router delivered this ticket.
   */
  newWouldEscalate: boolean;
  /**
   * The escalation guardrail sends it to a person whichever router decides: a critical word, or text
   * that tries to instruct the router.
   */
  guardrailEscalation: boolean;
}

const json = (s: string | null): unknown => {
  if (s === null) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** Turns stored rows into pilot tickets; rows without a pilot decision or a route are skipped and counted. */
export function parsePilotRows(rows: readonly PilotRow[]): { tickets: PilotTicket[]; skipped: number } {
  const tickets: PilotTicket[] = [];
  let skipped = 0;
  for (const row of rows) {
    const record = DecisionRecord.safeParse(json(row.decision));
    const route = Route.safeParse(json(row.route));
    if (!record.success || !route.success || !record.data.pilot) {
      skipped++;
      continue;
    }
    const r = record.data;
    const pilot = r.pilot as PilotInfo;
    const fb = row.feedback === null ? null : StoredFeedback.safeParse(json(row.feedback));
    tickets.push({
      ticketId: row.ticketId,
      deliveredBy: pilot.deliveredBy,
      next: r.decision ? { category: r.decision.category, team: r.decision.team } : null,
      legacy: { category: pilot.legacy.category, team: pilot.legacy.team },
      route: route.data,
      feedback: fb?.success ? fb.data : null,
      newCostUsd: r.totals.costUsd,
      newLatencyMs: r.totals.latencyMs,
      legacyLatencyMs: pilot.legacy.latencyMs,
      critical: r.outcome === 'critical',
      guardrailEscalation:
        r.outcome === 'critical' ||
        route.data.reasons.some((x) => x.startsWith('critical_keyword:') || x === REASON.promptInjectionSuspected),
      newWouldEscalate:
        r.outcome !== 'decided' ||
        !r.decision ||
        r.decision.escalation_required ||
        (r.decision.priority === 'high' && r.decision.confidence < DEFAULT_THRESHOLDS.highPriorityMinConfidence),
    });
  }
  return { tickets, skipped };
}
