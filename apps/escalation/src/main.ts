import { startEscalation, startWebhookWorker } from '@switchboard/escalation';
import { openFleet, openFleetStateReader } from '@switchboard/queues';
import { createAppMetrics, exportFleetState, runService, serveMetrics } from '@switchboard/runtime';
import { escalationAppEnv, escalationConfig } from './config.js';

await runService(
  { name: 'escalation', env: escalationAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    const config = escalationConfig(env);
    const metrics = createAppMetrics({ app: 'escalation' });
    const fleet = use('fleet', await openFleet(env, { role: 'worker', logger, metrics: metrics.pipeline }), (f) =>
      f.close(),
    );
    if (env.METRICS_QUEUE_DEPTHS) {
      const fleetState = use('fleet state', openFleetStateReader(fleet.ctx), (r) => r.close());
      exportFleetState(metrics.registry, fleetState.read, { log: logger });
    }
    use('metrics server', await serveMetrics(metrics, env, logger), (s) => s?.close());
    use(
      'webhook worker',
      startWebhookWorker(config, { ctx: fleet.ctx, store: fleet.store, onExhausted: fleet.deadLetter }),
      (w) => w.close(),
    );
    use(
      'escalation worker',
      startEscalation(config, {
        ctx: fleet.ctx,
        store: fleet.store,
        stats: fleet.stats,
        pilot: fleet.pilot,
        onExhausted: fleet.deadLetter,
      }),
      (s) => s.close(),
    );
    logger.info({ concurrency: config.concurrency, webhookTeams: Object.keys(config.webhooks) }, 'escalation started');
  },
);
