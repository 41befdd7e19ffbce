import { populationStability } from '@switchboard/eval';
import type { DayCounters } from '@switchboard/queues';

export interface MixDrift {
  dimension: string;
  psi: number;
  before: Record<string, number>;
  after: Record<string, number>;
  /** Over the alert threshold with enough traffic in both weeks to mean something. */
  alert: boolean;
}

export interface ProductionDrift {
  ticketsBefore: number;
  ticketsAfter: number;
  enoughTraffic: boolean;
  dimensions: MixDrift[];
}

/** The counters of one dimension (`category:billing` → `{billing: n}`). */
export function counts(c: DayCounters, dimension: string): Record<string, number> {
  const out: Record<string, number> = {};
  const prefix = `${dimension}:`;
  for (const [k, v] of Object.entries(c)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

const binary = (yes: number, total: number, labels: [string, string]): Record<string, number> => ({
  [labels[0]]: yes,
  [labels[1]]: Math.max(0, total - yes),
});

/**
 * Drift without labels: this week's traffic against last week's, dimension by dimension, as
 * population stability. A new product or a changed model shows up here before any eval set sees it.
 */
export function productionDrift(
  before: DayCounters,
  after: DayCounters,
  opts: { psiAlert: number; minWeeklyTickets: number },
): ProductionDrift {
  const nb = before.tickets ?? 0;
  const na = after.tickets ?? 0;
  const enoughTraffic = nb >= opts.minWeeklyTickets && na >= opts.minWeeklyTickets;
  const dims: [string, Record<string, number>, Record<string, number>][] = [
    ['category mix', counts(before, 'category'), counts(after, 'category')],
    ['confidence', counts(before, 'confidence'), counts(after, 'confidence')],
    [
      'escalation rate',
      binary(before.escalated ?? 0, nb, ['escalated', 'delivered']),
      binary(after.escalated ?? 0, na, ['escalated', 'delivered']),
    ],
    [
      'share of "other"',
      binary(before['category:other'] ?? 0, nb, ['other', 'rest']),
      binary(after['category:other'] ?? 0, na, ['other', 'rest']),
    ],
    ['tier mix', counts(before, 'via'), counts(after, 'via')],
    ['language mix', counts(before, 'lang'), counts(after, 'lang')],
  ];
  return {
    ticketsBefore: nb,
    ticketsAfter: na,
    enoughTraffic,
    dimensions: dims.map(([dimension, b, a]) => {
      const psi = populationStability(b, a);
      return { dimension, psi, before: b, after: a, alert: enoughTraffic && psi > opts.psiAlert };
    }),
  };
}
