import { startEscalation, startWebhookWorker } from '@switchboard/escalation';
import { openObservedFleet } from '@switchboard/queues';
import { runService } from '@switchboard/runtime';
import { escalationAppEnv, escalationConfig } from './config.js';

await runService(
  { name: 'escalation', env: escalationAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    const config = escalationConfig(env);
    const { fleet } = await openObservedFleet({ use }, env, { app: 'escalation', role: 'worker', logger });
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
