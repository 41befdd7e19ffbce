import { stageLabel, type RolloutStage } from '@switchboard/core';
import { DEFAULT_GATES, parsePilotRows, pilotMarkdown, pilotReport, type GateConfig } from '@switchboard/pilot';
import type { FleetContext } from '@switchboard/queues';

/** The weekly report's pilot section: the same report as `pnpm ops pilot report`, for the week. */
export function pilotSection(fleet: FleetContext, defaultStage: RolloutStage, gates: GateConfig | undefined) {
  return async (from: Date, to: Date): Promise<{ markdown: string; summary: string } | null> => {
    const { tickets } = parsePilotRows(await fleet.pilot.rows(from, to));
    if (tickets.length === 0) return null;
    const stage = (await fleet.rollout.get()).stored?.stage ?? defaultStage;
    const report = pilotReport(tickets, stage, { ...DEFAULT_GATES, ...gates });
    const gate = report.gate
      ? `; gate to ${stageLabel(report.gate.next ?? 100)} ${report.gate.justified ? 'justified' : 'not yet justified'}`
      : '';
    const acc = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
    return {
      markdown: pilotMarkdown(report),
      summary: `stage ${stageLabel(stage)}, ${report.tickets} tickets, accuracy against feedback new ${acc(report.routers.new.categoryAccuracy)} vs legacy ${acc(report.routers.legacy.categoryAccuracy)} (${report.withFeedback} with feedback)${gate}`,
    };
  };
}
