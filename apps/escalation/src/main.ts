import { startWriteBackWorker, writerFor, zammadWriteBack, zendeskWriteBack } from '@switchboard/connectors';
import { startEscalation, startWebhookWorker } from '@switchboard/escalation';
import { openObservedFleet } from '@switchboard/queues';
import { runService } from '@switchboard/runtime';
import { escalationAppEnv, escalationConfig } from './config.js';

await runService(
  { name: 'escalation', env: escalationAppEnv.schema, from: process.env },
  async ({ env, logger, use }) => {
    const config = escalationConfig(env);
    // A connector with no settings is off; half its settings is a start-up error naming the rest.
    const writeBacks = [zendeskWriteBack(env), zammadWriteBack(env)].filter((c) => c !== undefined);
    const { fleet } = await openObservedFleet({ use }, env, { app: 'escalation', role: 'worker', logger });
    use(
      'webhook worker',
      startWebhookWorker(config, { ctx: fleet.ctx, store: fleet.store, onExhausted: fleet.deadLetter }),
      (w) => w.close(),
    );
    for (const wb of writeBacks) {
      use(
        `${wb.connector} write-back worker`,
        startWriteBackWorker({
          config: wb,
          writer: writerFor(wb),
          ctx: fleet.ctx,
          store: fleet.store,
          onExhausted: fleet.deadLetter,
        }),
        (w) => w.close(),
      );
    }
    use(
      'escalation worker',
      startEscalation(config, {
        ctx: fleet.ctx,
        store: fleet.store,
        stats: fleet.stats,
        pilot: fleet.pilot,
        training: fleet.training,
        onExhausted: fleet.deadLetter,
        writeBack: new Set(writeBacks.map((wb) => wb.connector)),
      }),
      (s) => s.close(),
    );
    logger.info(
      {
        concurrency: config.concurrency,
        webhookTeams: Object.keys(config.webhooks),
        writeBack: writeBacks.map((wb) => wb.connector),
      },
      'escalation started',
    );
  },
);
