import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseEnv } from '@switchboard/runtime';
import { hashPassword } from '@switchboard/web-auth';
import { loadDemoTickets, runDemo, waitReady } from './demo.js';
import { APPS, startApp, stopAll } from './processes.js';
import { ensureRedis } from './redis-bootstrap.js';
import { localModelLines } from './local-model-line.js';
import { DEV_INGEST_KEY, fleetAppEnv } from './config.js';

/**
 * The newcomer's fleet: finds or starts Redis, runs ingest, classifier, escalation, drift, the review
 * desk and the dashboard as separate processes, pushes the demo tickets through them and keeps running
 * until Ctrl-C.
 */
const env = parseEnv(fleetAppEnv.schema, process.env);
const apiKeys = env.INGEST_API_KEYS?.join(',') ?? DEV_INGEST_KEY;
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
  console.log(
    redis.child
      ? `No Redis on ${env.REDIS_URL}: started redis-server at ${redis.url} (in memory, stops with the fleet).`
      : `Using Redis at ${redis.url}.`,
  );
  const has = (name: string): boolean => Boolean(process.env[name]);
  const modelConfigured =
    (has('MODEL_BASE_URL') || has('CHEAP_BASE_URL') || has('STRONG_BASE_URL')) &&
    (has('MODEL_API_KEY') || has('CHEAP_API_KEY') || has('STRONG_API_KEY'));
  console.log(
    modelConfigured
      ? 'Model endpoint configured: what the local model is unsure of goes to the cheap, then the strong tier.'
      : 'No model endpoint configured (MODEL_BASE_URL + MODEL_API_KEY): the local model routes what it is sure of; the rest go to humans.',
  );
  // The demo's sample tickets are the desk the shipped model was trained and measured on: it decides
  // from the start here, unless asked otherwise. Any other model starts on probation (the default).
  const demoTrust = env.LOCAL_MODEL_PATH === undefined && env.LOCAL_PROBATION === undefined;
  console.log(await localModelLines(env.LOCAL_MODEL_PATH, demoTrust ? false : (env.LOCAL_PROBATION ?? true)));
  // One local user with every role, for this machine only: plain HTTP cookies, a fresh secret each run.
  const adminPassword = env.FLEET_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');
  const users = JSON.stringify([
    { username: 'admin', roles: ['viewer', 'operator', 'reviewer'], passwordHash: await hashPassword(adminPassword) },
  ]);
  const secret = randomBytes(32).toString('hex');
  const childEnv = {
    ...process.env,
    REDIS_URL: redis.url,
    PORT: String(env.PORT),
    INGEST_API_KEYS: apiKeys,
    LOG_LEVEL: env.FLEET_APP_LOG_LEVEL,
    REVIEW_DESK_PORT: String(env.REVIEW_DESK_PORT),
    REVIEW_DESK_HOST: '127.0.0.1',
    REVIEW_DESK_USERS: users,
    REVIEW_DESK_SESSION_SECRET: secret,
    REVIEW_DESK_SECURE_COOKIE: 'false',
    DASHBOARD_PORT: String(env.DASHBOARD_PORT),
    DASHBOARD_HOST: '127.0.0.1',
    DASHBOARD_USERS: users,
    DASHBOARD_SESSION_SECRET: secret,
    DASHBOARD_SECURE_COOKIE: 'false',
    ...(demoTrust ? { LOCAL_PROBATION: 'false' } : {}),
  };
  for (const app of APPS) {
    // The people-facing apps log who did what at info; the pipeline stays quiet at FLEET_APP_LOG_LEVEL.
    const web = app === 'dashboard' || app === 'review-desk';
    const child = startApp(app, web ? { ...childEnv, LOG_LEVEL: env.FLEET_WEB_LOG_LEVEL } : childEnv);
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
  // A deadline, not a wait: six apps start tsx on a busy two-core machine in well over 30 s.
  await waitReady(base, 120_000);
  const key = apiKeys.split(',')[0]?.trim() ?? '';
  const tickets = await loadDemoTickets(randomBytes(3).toString('hex'));
  const ended = await runDemo(base, key, tickets, 60_000);
  console.log(`\n${ended}/${tickets.length} sample tickets routed or waiting for a human.`);
  if (env.FLEET_EXIT_AFTER_DEMO) await shutdown(ended === tickets.length ? 0 : 1);
  console.log(
    `\nThe fleet is running. Send your own:\n` +
      `  curl -X POST ${base}/v1/tickets -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\\n` +
      `       -d '{"id":"my-1","subject":"Refund","body":"Please refund my last invoice"}'\n` +
      `  curl ${base}/v1/tickets/my-1 -H 'authorization: Bearer ${key}'\n` +
      `The weekly drift check is scheduled (Mondays 06:00 UTC); run one now with: pnpm ops drift run\n` +
      `Review desk (the tickets waiting for a person): http://127.0.0.1:${env.REVIEW_DESK_PORT}/\n` +
      `Bull Board (on-call view of every queue):       http://127.0.0.1:${env.DASHBOARD_PORT}/\n` +
      `  both: user admin, password ${adminPassword}\n` +
      `Ctrl-C stops everything.`,
  );
} catch (err) {
  console.error(`\n${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}
