import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports below the kernel's ephemeral range: a port from listen(0) is handed back and then bound later by another
 * process, and in the meantime any outgoing connection (to Redis, say) may take it as its local port, which is how
 * CI once lost a fleet run to EADDRINUSE. The kernel never gives out a port below the range by itself.
 */
function portRange(): { low: number; high: number } {
  let ephemeralLow = 32768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    if (Number.isInteger(n) && n > 11000) ephemeralLow = n;
  } catch {
    // Not Linux: the IANA ephemeral range starts at 49152, so the default stays below it.
  }
  return { low: 10000, high: ephemeralLow - 1 };
}

const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port nothing listens on right now (for a throw-away server or app), never one this process handed out before. */
export async function freePort(): Promise<number> {
  const { low, high } = portRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${low} and ${high} after 200 tries`);
}
