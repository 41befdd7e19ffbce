import { describe, expect, it } from 'vitest';
import { parseCommandStats, perTicket } from './round-trips.js';

describe('commandstats deltas', () => {
  it('reads calls per command, subcommands included, and divides the delta by the tickets', () => {
    const before = parseCommandStats(
      '# Commandstats\r\ncmdstat_evalsha:calls=10,usec=5,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n' +
        'cmdstat_client|setname:calls=2,usec=1,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n',
    );
    expect(before).toEqual({ evalsha: 10, 'client|setname': 2 });
    const after = { evalsha: 610, 'client|setname': 2, exec: 200, get: 1000 };
    // Sorted busiest first; commands that did not run in the window are left out.
    expect(Object.entries(perTicket(before, after, 100))).toEqual([
      ['get', 10],
      ['evalsha', 6],
      ['exec', 2],
    ]);
  });
});
