import { wilsonInterval } from './stats.js';

/**
 * The live guard's rule for one tier, judged on its last `window` judged tickets (a spot check by the
 * next tier up, or a person's ground truth). A tier is switched off when the evidence says it is
 * below its target:
 * - as soon as `minJudged` tickets are judged and the 95% *upper* bound of its accuracy is below the
 *   target: it is wrong so often that more evidence cannot save it (a label-swapped model trips
 *   after a handful of checks), or
 * - once the window is full and the 95% *lower* bound is below the target: the tier has not shown
 *   it meets the target on a full window (the rule; a tier near its target needs a margin);
 * - as soon as `minJudged` of the most recent judgments are people's (ground truth, not another
 *   model) and the 99% upper bound of the tier's accuracy on them is below `peopleTarget`. Agreement with a
 *   cheap judge that is itself wrong 1 time in 8 needs a low target and many checks; people's labels
 *   say at once when a model meets topics it never learned (a desk's new product, say).
 */
export interface GuardRule {
  /** Accuracy (agreement with the judge) the tier must hold. */
  target: number;
  /** Accuracy the tier must hold on people's judgments alone; undefined: not judged apart. */
  peopleTarget?: number | undefined;
  /** How many of the most recent judgments count. */
  window: number;
  /** Fewer judgments than this never switch a tier off. */
  minJudged: number;
}

export type GuardVerdict =
  | { kind: 'wait'; judged: number; correct: number; low: number; high: number }
  | { kind: 'ok'; judged: number; correct: number; low: number; high: number }
  | { kind: 'trip'; judged: number; correct: number; low: number; high: number; why: string };

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** People's most recent judgments (review-desk resolutions and feedback), as the guard's store keeps them. */
export interface PeopleJudged {
  judged: number;
  agreed: number;
}

export function guardVerdict(
  correct: number,
  judged: number,
  rule: GuardRule,
  people: PeopleJudged = { judged: 0, agreed: 0 },
): GuardVerdict {
  const { low, high } = wilsonInterval(correct, judged);
  const base = { judged, correct, low, high };
  if (rule.peopleTarget !== undefined && people.judged >= rule.minJudged) {
    // A 99% bound: the rule is asked after every judgment, and at 95% a tier right 95% of the time
    // was switched off once in 50 windows of 200 (simulated); at 99%, once in 250, and a tier right
    // 73% of the time is still off after about 17 people's labels.
    const byPeople = wilsonInterval(people.agreed, people.judged, 2.576);
    if (byPeople.high < rule.peopleTarget)
      return {
        kind: 'trip',
        ...base,
        why: `${people.agreed} of the last ${people.judged} tickets people judged right (${pct(people.agreed / people.judged)}); even the 99% upper bound ${pct(byPeople.high)} is below the target on people's labels ${pct(rule.peopleTarget)}`,
      };
  }
  if (judged < rule.minJudged) return { kind: 'wait', ...base };
  if (high < rule.target)
    return {
      kind: 'trip',
      ...base,
      why: `${correct} of the last ${judged} judged tickets right (${pct(correct / judged)}); even the 95% upper bound ${pct(high)} is below the target ${pct(rule.target)}`,
    };
  if (judged >= rule.window && low < rule.target)
    return {
      kind: 'trip',
      ...base,
      why: `${correct} of the last ${judged} judged tickets right (${pct(correct / judged)}); the 95% lower bound ${pct(low)} is below the target ${pct(rule.target)}`,
    };
  return { kind: judged >= rule.window ? 'ok' : 'wait', ...base };
}

/**
 * Whether a ticket is in the spot-check sample: a hash of its id against the rate, so a redelivered
 * job makes the same choice and the sample is spread evenly over the traffic.
 */
export function inSample(ticketId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  // FNV-1a, 32 bits: fast, stable across processes and versions. Its top bits barely move between
  // sequential ids (t-1, t-2…): a 30% sample of them came out 22–38%, so murmur3's finaliser mixes them.
  let h = 0x811c9dc5;
  for (let i = 0; i < ticketId.length; i++) {
    h ^= ticketId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000 < rate;
}

/** The ISO-8601 week of a date (UTC), e.g. `2026-W49`: the spot-check counters' period. */
export function isoWeek(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
