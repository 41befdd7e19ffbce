import { DEFAULT_ROUTING_TABLE, describeZodError, type RolloutStage, type RoutingTable } from '@switchboard/core';
import {
  DEFAULT_GATES,
  feedbackConflict,
  parsePilotRows,
  pilotReport,
  type GateConfig,
  type PilotReport,
} from '@switchboard/pilot';
import { Feedback, type PilotLedger, type StoredFeedback } from '@switchboard/queues';

/** Stores an agent's feedback as the ticket's ground truth; false when the ticket is unknown. */
export type FeedbackSink = (ticketId: string, feedback: StoredFeedback) => Promise<boolean>;

export interface PilotOptions {
  ledger: PilotLedger;
  /**
   * Where feedback goes: the ticket lifecycle, which also hands it to the live guard. Absent, it is
   * only stored on the ticket's record for the pilot.
   */
  feedback?: FeedbackSink;
  /** The stage in force now (Redis, else the configured one). */
  stage: () => Promise<RolloutStage>;
  gates?: GateConfig;
  /** The classifiers' routing table: feedback whose team contradicts its category is refused. */
  routing?: RoutingTable;
}

export type FeedbackResult =
  { ok: true; feedback: Feedback } | { ok: false; status: 400 | 404 | 422; error: string; message: string };

/** What an agent finally set upstream becomes the ticket's ground truth, for the pilot and for accuracy. */
export async function recordFeedback(
  sink: FeedbackSink,
  ticketId: string,
  body: unknown,
  now: Date,
  routing: RoutingTable = DEFAULT_ROUTING_TABLE,
): Promise<FeedbackResult> {
  const parsed = Feedback.safeParse(body);
  if (!parsed.success)
    return { ok: false, status: 400, error: 'invalid_feedback', message: describeZodError(parsed.error) };
  // Nothing is stored: the report could not tell which of the two was meant.
  const conflict = feedbackConflict(parsed.data, routing);
  if (conflict) return { ok: false, status: 422, error: 'contradictory_feedback', message: conflict };
  const stored = await sink(ticketId, {
    ...parsed.data,
    receivedAt: now.toISOString(),
    source: 'upstream',
  });
  if (!stored) return { ok: false, status: 404, error: 'not_found', message: `no ticket ${ticketId}` };
  return { ok: true, feedback: parsed.data };
}

export async function pilotReportFor(opts: PilotOptions, days: number, now: Date): Promise<PilotReport> {
  const { tickets } = parsePilotRows(await opts.ledger.rows(new Date(now.getTime() - days * 86_400_000), now));
  return pilotReport(tickets, await opts.stage(), { ...DEFAULT_GATES, ...opts.gates });
}
