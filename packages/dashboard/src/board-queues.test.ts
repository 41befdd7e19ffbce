import { describe, expect, it } from 'vitest';
import { allQueueDefs } from '@switchboard/queues';
import { flowOrderedDefs, flowRank } from './board-queues.js';
import { boardName } from './mount-board.js';

describe('the board’s flow order', () => {
  it('gives every queue of the catalog a step, one digit each, so the cards sort in flow order', () => {
    // A queue added to the catalog without a step would sort last as "10 · …", i.e. before "2 · …".
    const unplaced = allQueueDefs()
      .map((d) => d.queueName)
      .filter((name) => !/^[1-9] · /.test(boardName(name)));
    expect(unplaced).toEqual([]);
    const names = flowOrderedDefs().map((d) => boardName(d.queueName));
    expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
  });

  it('puts each queue where a ticket meets it', () => {
    expect(flowRank('tickets')).toBe(0);
    expect(flowRank('team-billing-support')).toBe(flowRank('team-core-eng'));
    // team-webhooks is named like a team queue, but is a delivery: its own step, with the write-backs.
    expect(flowRank('team-webhooks')).toBe(flowRank('team-core-eng') + 1);
    expect(flowRank('zendesk-writeback')).toBe(flowRank('team-webhooks'));
    expect(flowRank('retrain')).toBe(flowRank('drift'));
    expect(boardName('tier-checks')).toBe('9 · tier-checks');
  });
});
