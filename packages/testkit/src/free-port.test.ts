import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, portsBelowEphemeral } from './free-port.js';

describe('freePort', () => {
  it('hands out distinct ports, below the ephemeral range where there is one, that a server can then listen on', async () => {
    const range = portsBelowEphemeral();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    if (range) for (const p of ports) expect(p).toBeLessThanOrEqual(range.high);
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
