import { followRegistryModel, REPO_PATHS } from '@switchboard/classifier';
import { DEFAULT_ROUTING_TABLE, type Team } from '@switchboard/core';
import { teamDelivery } from '@switchboard/lifecycle';
import { openFleet } from '@switchboard/queues';
import { buildReviewServer, localSuggester, ReviewDesk } from '@switchboard/review-desk';
import {
  createAppMetrics,
  createLoginMetrics,
  createReviewMetrics,
  runService,
  serveMetrics,
} from '@switchboard/runtime';
import { loginThrottle, redisSessionStore, redisThrottleStore } from '@switchboard/web-auth';
import { reviewDeskAppEnv, reviewDeskConfig } from './config.js';

await runService(
  { name: 'review-desk', env: reviewDeskAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    const config = reviewDeskConfig(env);
    const metrics = createAppMetrics({ app: 'review-desk' });
    const fleet = use('fleet', await openFleet(env, { role: 'producer', logger, metrics: metrics.pipeline }), (f) =>
      f.close(),
    );
    const delivery = use(
      'team delivery',
      teamDelivery(fleet.ctx, {
        webhookTeams: new Set(Object.keys(env.TEAM_WEBHOOKS ?? {}) as Team[]),
        webhookAttempts: env.WEBHOOK_ATTEMPTS,
        webhookBackoffMs: env.WEBHOOK_BACKOFF_MS,
        writeBack: new Set([
          ...(env.ZENDESK_URL ? (['zendesk'] as const) : []),
          ...(env.ZAMMAD_URL ? (['zammad'] as const) : []),
        ]),
      }),
      (d) => d.close(),
    );
    // The local model's guess for tickets no tier decided: the registry's champion, the model the
    // classifiers run (followed read-only: the desk never promotes a file). Without a model the desk still works.
    const modelPath = env.LOCAL_MODEL_PATH ?? REPO_PATHS.localModel;
    const model =
      modelPath === 'off'
        ? undefined
        : await followRegistryModel(fleet.models, modelPath, logger, env.LOCAL_MODEL_RELOAD_POLL_MS ?? 2_000).catch(
            (err: unknown) => {
              logger.warn({ err, modelPath }, 'no local model: critical tickets show no suggestion');
              return undefined;
            },
          );
    if (model) use('local model', model, (m) => m.close());
    const desk = use(
      'review desk',
      new ReviewDesk(config, {
        redis: fleet.redis,
        prefix: env.QUEUE_PREFIX,
        store: fleet.store,
        stats: fleet.stats,
        delivery,
        pilot: fleet.pilot,
        training: fleet.training,
        routing: env.ROUTING_TABLE ?? DEFAULT_ROUTING_TABLE,
        log: logger,
        metrics: createReviewMetrics(metrics.registry),
        suggest: model ? localSuggester(model.current) : undefined,
      }),
      (d) => d.close(),
    );
    use('metrics server', await serveMetrics(metrics, env, logger), (s) => s?.close());
    const app = use(
      'http server',
      await buildReviewServer({
        desk,
        logger,
        basePath: env.REVIEW_DESK_BASE_PATH,
        auth: {
          users: env.REVIEW_DESK_USERS,
          secret: env.REVIEW_DESK_SESSION_SECRET,
          sessionTtlMs: env.REVIEW_DESK_SESSION_HOURS * 3_600_000,
          sessions: redisSessionStore(fleet.redis, `${env.QUEUE_PREFIX}:web-session:review-desk`),
          secureCookie: env.REVIEW_DESK_SECURE_COOKIE,
          // In Redis: every replica counts the same failed sign-ins.
          throttle: loginThrottle(redisThrottleStore(fleet.redis, `${env.QUEUE_PREFIX}:login-throttle:review-desk`)),
          metrics: createLoginMetrics(metrics.registry),
        },
      }),
      (a) => a.close(),
    );
    await app.listen({ port: env.REVIEW_DESK_PORT, host: env.REVIEW_DESK_HOST });
    logger.info(
      { port: env.REVIEW_DESK_PORT, users: env.REVIEW_DESK_USERS.length, leaseMs: config.leaseMs },
      'review desk started',
    );
  },
);
