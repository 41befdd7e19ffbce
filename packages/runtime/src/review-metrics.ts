import { Counter, Gauge, type Registry } from 'prom-client';

/** What people do at the review desk, for on-call: claims, hand-backs, resolutions and overrides. */
export interface ReviewMetrics {
  claimed(): void;
  released(): void;
  resolved(changed: boolean): void;
  /** Tickets waiting and how many of them are past their SLA, as the list last saw them. */
  waiting(count: number, breached: number): void;
}

export function createReviewMetrics(registry: Registry): ReviewMetrics {
  const registers = [registry];
  const actions = new Counter({
    name: 'switchboard_review_actions_total',
    help: 'Review desk actions by reviewers.',
    labelNames: ['action'] as const,
    registers,
  });
  const resolutions = new Counter({
    name: 'switchboard_review_resolutions_total',
    help: "Tickets resolved at the review desk; changed=true when the person changed the machine's category, team or priority.",
    labelNames: ['changed'] as const,
    registers,
  });
  const waiting = new Gauge({
    name: 'switchboard_review_waiting_tickets',
    help: 'Tickets waiting for a person when the list was last read (all of them, not only the page listed).',
    registers,
  });
  const breached = new Gauge({
    name: 'switchboard_review_sla_breached_tickets',
    help: 'Listed waiting tickets (the most urgent, up to the list limit) past their SLA when the list was last read.',
    registers,
  });
  return {
    claimed: () => actions.inc({ action: 'claim' }),
    released: () => actions.inc({ action: 'release' }),
    resolved: (changed) => {
      actions.inc({ action: 'resolve' });
      resolutions.inc({ changed: String(changed) });
    },
    waiting: (count, late) => {
      waiting.set(count);
      breached.set(late);
    },
  };
}
