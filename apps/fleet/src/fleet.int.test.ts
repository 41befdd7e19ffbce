import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, freePort, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';

/** Runs `npm start`'s launcher to the end of its demo and returns what it printed. */
async function runFleet(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const ports = { REVIEW_DESK_PORT: String(await freePort()), DASHBOARD_PORT: String(await freePort()) };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      // METRICS_PORT=0: the apps' metrics servers take any free port, so a running `npm start` does not collide.
      env: { ...process.env, FLEET_EXIT_AFTER_DEMO: '1', METRICS_PORT: '0', ...ports, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('the newcomer fleet (npm start)', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(p);
  });

  it('routes the demo tickets through three real processes and says where each went', async () => {
    const prefix = uniquePrefix('fleet');
    prefixes.push(prefix);
    const { code, out } = await runFleet({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(await freePort()),
    });
    expect(out).toContain(`Using Redis at ${TEST_REDIS_URL}`);
    // Which free model runs, how it was fitted, and that a desk should train its own.
    expect(out).toMatch(
      /Local model \(.*local-default\.json\): local model \S+: trained .* out-of-domain gate fitted on \d+/,
    );
    expect(out).toContain('npm run ops -- train --data');
    expect(out).toMatch(/Refund for a double charge\s+→ billing_support via rule/);
    expect(out).toMatch(/URGENT: checkout.*→ HUMAN REVIEW .*critical_keyword:urgent/);
    expect(out).toMatch(/KVKK kapsamında.*critical_keyword:kvkk/);
    // Routine tickets: the shipped local model routes what it is sure of, with no API key anywhere.
    expect(out).toMatch(/Cannot log in\s+→ (tech_support via local|HUMAN REVIEW .*low_confidence)/);
    expect(out.match(/ via local$/gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(out).not.toContain('models_unavailable');
    expect(out).toContain('12/12 sample tickets routed or waiting for a human.');
    expect(code).toBe(0);
  });

  it('starts a throw-away redis-server when none answers on REDIS_URL', async () => {
    const prefix = uniquePrefix('fleet');
    const fallback = await freePort();
    const { code, out } = await runFleet({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      FLEET_REDIS_FALLBACK_PORT: String(fallback),
      QUEUE_PREFIX: prefix,
      PORT: String(await freePort()),
    });
    expect(out).toContain(`started redis-server at redis://127.0.0.1:${fallback}`);
    expect(out).toContain('12/12 sample tickets routed or waiting for a human.');
    expect(code).toBe(0);
  });
});
