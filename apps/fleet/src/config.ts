import { z } from 'zod';
import { classifierEnv } from '@switchboard/classifier';
import { dashboardEnv } from '@switchboard/dashboard';
import { ingestEnv } from '@switchboard/ingest';
import { reviewDeskEnv } from '@switchboard/review-desk';
import { composeEnv, envFragment, flag, LogLevel, optionalEnv, pickEnv, redisEnv } from '@switchboard/runtime';

/** The newcomer's launcher: what it sets for the apps it starts, and how it runs them. */
export const fleetLauncherEnv = envFragment('apps/fleet', 'launcher', {
  FLEET_REDIS_FALLBACK_PORT: z.coerce
    .number()
    .int()
    .default(6390)
    .describe('`npm start`: the port of the in-memory redis-server it starts when REDIS_URL answers nothing.'),
  FLEET_APP_LOG_LEVEL: LogLevel.default('warn').describe(
    '`npm start`: the LOG_LEVEL of the pipeline apps it starts (ingest, classifier, escalation, drift).',
  ),
  FLEET_WEB_LOG_LEVEL: LogLevel.default('info').describe(
    '`npm start`: the LOG_LEVEL of the dashboard and the review desk, whose info lines are the audit trail (sign-ins, board actions, replays, claims, resolutions).',
  ),
  FLEET_ADMIN_PASSWORD: z
    .string()
    .min(12)
    .optional()
    .describe("`npm start`: the local admin's password for the review desk and the dashboard.")
    .meta({ default: 'random, printed at start' }),
  FLEET_EXIT_AFTER_DEMO: flag()
    .default(false)
    .describe('`npm start`: stop after the demo tickets (CI, scripted checks); exit 0 only if all of them ended.'),
});

export const DEV_INGEST_KEY = 'dev-key-change-me-0123456789';

export const fleetAppEnv = composeEnv('fleet', [
  pickEnv(redisEnv, ['REDIS_URL']),
  pickEnv(ingestEnv, ['PORT']),
  // The launcher makes up a development key when none is set.
  optionalEnv(pickEnv(ingestEnv, ['INGEST_API_KEYS'])),
  pickEnv(reviewDeskEnv, ['REVIEW_DESK_PORT']),
  pickEnv(dashboardEnv, ['DASHBOARD_PORT']),
  // Read to say which local model the classifiers run; they read it themselves.
  pickEnv(classifierEnv, ['LOCAL_MODEL_PATH', 'LOCAL_PROBATION']),
  fleetLauncherEnv,
]);
