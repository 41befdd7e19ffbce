import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, uniquePrefix } from '@switchboard/testkit';
import type { IngestServer } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'fuzz-key-0123456789abcdef';

/** A seeded generator, so a failing body can be reproduced from the seed in the test name. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number) => unknown;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const CONTROL =
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f\u2028\u2029\ufeff\ud800';
const strings: Gen[] = [
  () => '',
  (r) => 'x'.repeat(Math.floor(r() * 40_000)),
  (r) => Array.from({ length: 50 }, () => CONTROL[Math.floor(r() * CONTROL.length)]).join(''),
  () => '🦄'.repeat(9_000),
  () => 'ticket with "quotes" and \\ backslashes',
  (r) => `id-${Math.floor(r() * 1e6)}`,
  () => '../../etc/passwd',
  () => '<script>alert(1)</script>',
];
const scalars: Gen[] = [
  ...strings,
  () => null,
  () => true,
  (r) => r() * 1e308,
  () => -0,
  () => [],
  () => ({}),
  (r) => Math.floor(r() * 1e15),
];
const value: Gen = (r) => pick(r, scalars)(r);

/** Nesting deeper than JSON.stringify (or a naive parser) can recurse, written as text. */
const deep = (depth: number): string => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;

/** Mostly ticket-shaped bodies with one or more fields broken, plus things that are not tickets at all. */
function body(r: () => number): unknown {
  const roll = r();
  if (roll < 0.05) return { deep: Math.floor(r() * 20_000) };
  if (roll < 0.1) return JSON.parse('{"__proto__": {"polluted": "yes"}, "id": "p-1", "body": "hi"}') as unknown;
  if (roll < 0.13) return { constructor: { prototype: { polluted: 'yes' } }, id: 'p-2', body: 'hi' };
  if (roll < 0.18) return value(r);
  const t: Record<string, unknown> = { id: `f-${Math.floor(r() * 1e9)}`, body: 'Please help with my invoice' };
  for (const field of ['id', 'subject', 'body', 'channel', 'customer', 'language', 'metadata', 'extra']) {
    if (r() < 0.3)
      t[field] =
        field === 'customer' && r() < 0.5
          ? { email: value(r), tier: value(r), id: value(r) }
          : field === 'metadata' && r() < 0.5
            ? Object.fromEntries(Array.from({ length: Math.floor(r() * 80) }, (_, i) => [`k${i}`, value(r)]))
            : value(r);
  }
  return t;
}

describe('fuzzing the HTTP API', { timeout: 120_000 }, () => {
  let prefix: string;
  let app: IngestServer;
  let rig: IngestRig;

  beforeAll(async () => {
    prefix = uniquePrefix('fuzz');
    rig = await startIngestRig({ prefix, apiKeys: [KEY], redisTimeoutMs: 5_000 });
    ({ app } = rig);
  });
  afterAll(async () => {
    await rig.close();
    await dropPrefix(prefix);
  });

  const send = (url: string, payload: string | Buffer, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': contentType },
      payload,
    });

  it('3,000 generated bodies (seed 42): every answer is 2xx or 4xx, never 5xx, and nothing is polluted', async () => {
    const r = rng(42);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3_000; i++) {
      const b = body(r);
      const url = r() < 0.2 ? '/v1/tickets/batch' : '/v1/tickets';
      const payload =
        typeof b === 'object' && b !== null && 'deep' in b
          ? deep(Number(b.deep))
          : url.endsWith('batch') && r() < 0.7
            ? JSON.stringify({ tickets: Array.from({ length: Math.floor(r() * 20) }, () => body(r)) })
            : (JSON.stringify(b) ?? 'null');
      const res = await send(url, payload);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        throw new Error(`seed 42 #${i}: ${res.statusCode} ${res.body.slice(0, 200)} for ${payload.slice(0, 200)}`);
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('invalid UTF-8, truncated JSON, wrong content types and bodies past the limit get 4xx', async () => {
    const cases: [string, string | Buffer, string][] = [
      [
        '/v1/tickets',
        Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
        'application/json',
      ],
      ['/v1/tickets', '{"id": "a", "body": "unterminated', 'application/json'],
      ['/v1/tickets', 'id=a&body=b', 'application/x-www-form-urlencoded'],
      ['/v1/tickets', '<ticket/>', 'text/xml'],
      ['/v1/tickets', JSON.stringify({ id: 'big', body: 'x'.repeat(400_000) }), 'application/json'],
      ['/v1/tickets/batch', JSON.stringify({ tickets: 'not an array' }), 'application/json'],
      ['/v1/tickets', deep(50_000), 'application/json'],
    ];
    for (const [url, payload, type] of cases) {
      const res = await send(url, payload, type);
      expect(res.statusCode, `${url} ${type} ${String(payload).slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
  });

  it('memory stays flat: a second round of the same load does not grow the heap', async () => {
    const round = async (seed: number): Promise<void> => {
      const r = rng(seed);
      for (let i = 0; i < 1_500; i++) {
        const b = body(r);
        await send(
          '/v1/tickets',
          typeof b === 'object' && b !== null && 'deep' in b ? deep(Number(b.deep)) : (JSON.stringify(b) ?? 'null'),
        );
      }
    };
    // A real collection before each reading, so the figure is what is retained, not garbage not yet swept.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    await round(1);
    const before = retained();
    await round(2);
    await round(3);
    const grown = retained() - before;
    // Two more rounds of 1,500 bodies (some 40 KB each) must leave next to nothing behind.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});
