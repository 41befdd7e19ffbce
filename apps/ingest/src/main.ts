import { zammadInbound, zendeskInbound } from '@switchboard/connectors';
import { buildIngestServer } from '@switchboard/ingest';
import { TicketLifecycle } from '@switchboard/lifecycle';
import { openFleet, openQueue, ticketsQueue } from '@switchboard/queues';
import { createAppMetrics, runService } from '@switchboard/runtime';
import { ingestAppEnv } from './config.js';

await runService({ name: 'ingest', env: ingestAppEnv.schema, from: process.env }, async ({ env, logger, use }) => {
  // A connector with no webhook secret has no route; a secret without its groups is a start-up error.
  const connectors = { zendesk: zendeskInbound(env), zammad: zammadInbound(env) };
  const metrics = createAppMetrics({ app: 'ingest' });
  const fleet = use('fleet', await openFleet(env, { role: 'producer', logger, metrics: metrics.pipeline }), (f) =>
    f.close(),
  );
  const tickets = use('tickets queue', openQueue(ticketsQueue, fleet.ctx), (q) => q.close());
  // Feedback is a step of the ticket's life: ground truth for the pilot and for the live guard.
  const lifecycle = use(
    'ticket lifecycle',
    new TicketLifecycle({ ctx: fleet.ctx, store: fleet.store, pilot: fleet.pilot, training: fleet.training }),
    (l) => l.close(),
  );
  const server = use(
    'http server',
    buildIngestServer({
      apiKeys: env.INGEST_API_KEYS,
      tickets,
      store: fleet.store,
      redis: fleet.redis,
      logger,
      redisTimeoutMs: env.REDIS_TIMEOUT_MS,
      metrics,
      metricsToken: env.METRICS_TOKEN,
      signature: env.INGEST_SIGNING_SECRETS
        ? {
            secrets: env.INGEST_SIGNING_SECRETS,
            windowSeconds: env.INGEST_SIGNATURE_WINDOW_SECONDS,
            redis: fleet.redis,
            prefix: env.QUEUE_PREFIX,
          }
        : undefined,
      pilot: {
        ledger: fleet.pilot,
        feedback: (ticketId, feedback) => lifecycle.recordFeedback(ticketId, feedback),
        stage: async () => (await fleet.rollout.get()).stored?.stage ?? env.ROLLOUT_STAGE ?? 'off',
        gates: env.PILOT_GATES,
        routing: env.ROUTING_TABLE,
      },
      connectors: {
        ...connectors,
        routing: env.ROUTING_TABLE,
        windowSeconds: env.INGEST_SIGNATURE_WINDOW_SECONDS,
      },
    }),
    (s) => s.close(),
  );
  const address = await server.listen({ port: env.PORT, host: env.HOST });
  logger.info({ address }, 'ingest listening');
});
