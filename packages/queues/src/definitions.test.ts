import { describe, expect, it } from 'vitest';
import { allQueueDefs } from './definitions.js';

/** The fleet's apps that run queue workers; anything else consuming a queue is outside the fleet. */
const FLEET_WORKERS = ['classifier', 'escalation', 'drift'];

describe('the queue catalog', () => {
  it('says for every queue whether a fleet worker consumes it (outsideFleet), so the board raises "No workers" only where one should run', () => {
    const wrong = allQueueDefs()
      .filter((d) => Boolean(d.doc.outsideFleet) === FLEET_WORKERS.some((app) => d.doc.consumer.startsWith(app)))
      .map((d) => `${d.queueName} (consumer: ${d.doc.consumer}; outsideFleet: ${d.doc.outsideFleet ?? 'unset'})`);
    expect(wrong).toEqual([]);
    const byName = new Map(allQueueDefs().map((d) => [d.queueName, d.doc.outsideFleet]));
    // main's newer queues: the live guard's judgments (classifier) and the helpdesk write-backs (escalation).
    for (const inside of ['tier-checks', 'zendesk-writeback', 'zammad-writeback'])
      expect(byName.get(inside), inside).toBeUndefined();
    expect(byName.get('human-review')).toBe('people, at the review desk');
  });
});
