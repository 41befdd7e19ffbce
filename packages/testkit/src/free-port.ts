import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports below the kernel's ephemeral range, or null when there is no room below it. A port from
 * listen(0) is handed back and bound later by another process, and in the meantime any outgoing
 * connection (to Redis, say) may take it as its local port, which is how CI once lost a fleet run to
 * EADDRINUSE. The kernel never gives out a port below the range by itself.
 */
export function portsBelowEphemeral(): { low: number; high: number } | null {
  let ephemeralLow: number;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    ephemeralLow = Number(low);
  } catch {
    // macOS's range starts at 49152 (IANA's); other systems' is not known here.
    if (process.platform !== 'darwin') return null;
    ephemeralLow = 49152;
  }
  const low = 10000;
  return Number.isInteger(ephemeralLow) && ephemeralLow - low >= 1000 ? { low, high: ephemeralLow - 1 } : null;
}

const handedOut = new Set<number>();

function listenOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(addr !== null && typeof addr === 'object' ? addr.port : null));
    });
  });
}

/** A port nothing listens on right now (for a throw-away server or app), never one this process handed out before. */
export async function freePort(): Promise<number> {
  const range = portsBelowEphemeral();
  for (let attempt = 0; attempt < 200; attempt++) {
    // With no room below the ephemeral range, the kernel's pick: open to the race above, but it works.
    const wanted = range ? range.low + Math.floor(Math.random() * (range.high - range.low + 1)) : 0;
    if (handedOut.has(wanted)) continue;
    // Claimed before the await, so concurrent calls in this process never return the same port.
    if (wanted !== 0) handedOut.add(wanted);
    const port = await listenOn(wanted);
    if (port === null || (wanted === 0 && handedOut.has(port))) {
      handedOut.delete(wanted);
      continue;
    }
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port after 200 tries');
}
