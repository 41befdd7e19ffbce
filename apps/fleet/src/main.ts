import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { parseEnv } from '@switchboard/runtime';
import { loadDemoTickets, runDemo, waitReady } from './demo.js';
import { APPS, startApp, stopAll } from './processes.js';
import { ensureRedis } from './redis-bootstrap.js';

/**
 * The newcomer's fleet: finds or starts Redis, runs ingest, classifier, escalation and drift as separate
 * processes, pushes the demo tickets through them and keeps running until Ctrl-C.
 */
const FleetEnv = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  FLEET_REDIS_FALLBACK_PORT: z.coerce.number().int().default(6390),
  PORT: z.coerce.number().int().default(3000),
  INGEST_API_KEYS: z.string().default('dev-key-change-me-0123456789'),
  FLEET_APP_LOG_LEVEL: z.string().default('warn'),
  /** `1` to stop after the demo (CI, scripted checks). */
  FLEET_EXIT_AFTER_DEMO: z.enum(['0', '1']).default('0'),
});

const env = parseEnv(FleetEnv, process.env);
const children: ChildProcess[] = [];
let redisChild: ChildProcess | undefined;

async function shutdown(code: number): Promise<never> {
  console.log('\nstopping the fleet…');
  await stopAll(children, 30_000);
  redisChild?.kill('SIGTERM');
  process.exit(code);
}

try {
  const redis = await ensureRedis(env.REDIS_URL, env.FLEET_REDIS_FALLBACK_PORT);
  redisChild = redis.child;
  console.log(redis.child ? `No Redis on ${env.REDIS_URL}: started redis-server at ${redis.url} (in memory, stops with the fleet).` : `Using Redis at ${redis.url}.`);
  const has = (name: string): boolean => Boolean(process.env[name]);
  const modelConfigured = (has('MODEL_BASE_URL') || has('CHEAP_BASE_URL') || has('STRONG_BASE_URL')) && (has('MODEL_API_KEY') || has('CHEAP_API_KEY') || has('STRONG_API_KEY'));
  console.log(
    modelConfigured
      ? 'Model endpoint configured: what the local model is unsure of goes to the cheap, then the strong tier.'
      : 'No model endpoint configured (MODEL_BASE_URL + MODEL_API_KEY): the local model routes what it is sure of; the rest go to humans.',
  );
  const childEnv = { ...process.env, REDIS_URL: redis.url, PORT: String(env.PORT), INGEST_API_KEYS: env.INGEST_API_KEYS, LOG_LEVEL: env.FLEET_APP_LOG_LEVEL };
  for (const app of APPS) {
    const child = startApp(app, childEnv);
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) {
        console.error(`${app} exited with code ${code}; stopping the fleet`);
        void shutdown(1);
      }
    });
    children.push(child);
  }
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  const base = `http://127.0.0.1:${env.PORT}`;
  await waitReady(base, 30_000);
  const key = env.INGEST_API_KEYS.split(',')[0]?.trim() ?? '';
  const tickets = await loadDemoTickets(randomBytes(3).toString('hex'));
  const ended = await runDemo(base, key, tickets, 30_000);
  console.log(`\n${ended}/${tickets.length} sample tickets routed or waiting for a human.`);
  if (env.FLEET_EXIT_AFTER_DEMO === '1') await shutdown(ended === tickets.length ? 0 : 1);
  console.log(
    `\nThe fleet is running. Send your own:\n` +
      `  curl -X POST ${base}/v1/tickets -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\\n` +
      `       -d '{"id":"my-1","subject":"Refund","body":"Please refund my last invoice"}'\n` +
      `  curl ${base}/v1/tickets/my-1 -H 'authorization: Bearer ${key}'\n` +
      `The weekly drift check is scheduled (Mondays 06:00 UTC); run one now with: pnpm ops drift run\n` +
      `Ctrl-C stops everything.`,
  );
} catch (err) {
  console.error(`\n${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}
