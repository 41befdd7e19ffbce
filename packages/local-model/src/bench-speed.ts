import type { LabelledTicket, LocalModel } from './types.js';

/** Tickets per second over `tickets`, cycled for at least `seconds` after a warm-up pass. */
export function predictionRate(
  model: LocalModel,
  tickets: readonly LabelledTicket[],
  seconds = 2,
): { perSecond: number; meanChars: number } {
  for (const t of tickets) model.predict(t.subject, t.body);
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const t of tickets) model.predict(t.subject, t.body);
    n += tickets.length;
    elapsed = performance.now() - started;
  }
  const chars = tickets.reduce((s, t) => s + t.subject.length + t.body.length, 0) / Math.max(1, tickets.length);
  return { perSecond: (n / elapsed) * 1000, meanChars: chars };
}
