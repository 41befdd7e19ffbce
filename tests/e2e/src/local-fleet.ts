import {
  ClassifierConfig,
  FallbackView,
  openClassifierStack,
  REPO_PATHS,
  startClassifier,
  startTierGuard,
  type ClassifierConfigInput,
} from '@switchboard/classifier';
import { DEFAULT_ROUTING_TABLE, type Category, type TicketInput } from '@switchboard/core';
import { slackPoster, startAlertsWorker } from '@switchboard/drift';
import { EscalationConfig, startEscalation } from '@switchboard/escalation';
import { acceptTickets } from '@switchboard/ingest';
import { openFleetContext, openQueue, ticketsQueue, type FleetContext, type TicketView } from '@switchboard/queues';
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  startFakeSlack,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
  type FakeSlack,
} from '@switchboard/testkit';
import { fakeModelTier } from './fleet-harness.js';

export interface LabelledInput extends TicketInput {
  category: Category;
}

/**
 * The classifier, the live guard, escalation and the alerts worker in one process on their own
 * prefix, with a fake provider that answers every ticket right (its label, looked up by subject) and
 * a fake Slack: the fleet as the local-tier tests need it.
 */
export interface LocalFleet {
  fleet: FleetContext;
  provider: FakeProvider;
  slack: FakeSlack;
  submit(tickets: readonly LabelledInput[]): Promise<void>;
  /** Waits until every ticket is routed or escalated; returns their records. */
  finished(ids: readonly string[], timeoutMs?: number): Promise<TicketView[]>;
  close(): Promise<void>;
}

export async function startLocalFleet(
  label: string,
  labels: ReadonlyMap<string, Category>,
  config: Omit<ClassifierConfigInput, 'promptPath' | 'cheap'>,
): Promise<LocalFleet> {
  const prefix = uniquePrefix(label);
  const logger = testLogger(label);
  const provider = await startFakeOpenAI((req) => {
    const category = labels.get(req.ticket?.subject ?? '') ?? 'other';
    return {
      content: decisionJson({ category, priority: 'medium', team: DEFAULT_ROUTING_TABLE[category], confidence: 0.95 }),
    };
  });
  const slack = await startFakeSlack();
  const fleet = await openFleetContext({ redisUrl: TEST_REDIS_URL, prefix, role: 'worker', logger, retentionDays: 1 });
  const cfg = ClassifierConfig.parse({
    ...config,
    promptPath: REPO_PATHS.prompt,
    cheap: fakeModelTier(provider.url, 'fake-cheap', 0.5),
    fallbackPollMs: 50,
  });
  const stack = await openClassifierStack({ config: cfg }, { logger });
  const view = new FallbackView(fleet.fallback, cfg.fallbackPollMs, logger, { guard: fleet.guard });
  const classifier = startClassifier(cfg, {
    ctx: fleet.ctx,
    store: fleet.store,
    tiers: stack.tiers,
    fallback: view,
    onExhausted: fleet.deadLetter,
  });
  const guard = startTierGuard(cfg, {
    ctx: fleet.ctx,
    guard: fleet.guard,
    fallback: fleet.fallback,
    tiers: stack.tiers,
    view,
    currentModel: (tier) => (tier === 'local' ? (stack.model?.current().meta.modelVersion ?? null) : 'fake-cheap'),
    onExhausted: fleet.deadLetter,
  });
  const escalation = startEscalation(EscalationConfig.parse({}), {
    ctx: fleet.ctx,
    store: fleet.store,
    onExhausted: fleet.deadLetter,
  });
  const alerts = startAlertsWorker(
    fleet.ctx,
    { post: slackPoster({ token: 'xoxb-test', apiUrl: slack.apiUrl }), channel: '#support-ops' },
    fleet.deadLetter,
  );
  const tickets = openQueue(ticketsQueue, fleet.ctx);
  return {
    fleet,
    provider,
    slack,
    async submit(list) {
      await acceptTickets(
        list.map(({ category: _label, ...input }) => input),
        { tickets, store: fleet.store, now: () => new Date() },
      );
    },
    async finished(ids, timeoutMs = 60_000) {
      return waitFor(
        async () => {
          const views = await Promise.all(ids.map((id) => fleet.store.get(id)));
          return views.every((v) => v && (v.status === 'routed' || v.status === 'escalated'))
            ? (views as TicketView[])
            : undefined;
        },
        timeoutMs,
        `${ids.length} tickets to finish`,
      );
    },
    async close() {
      await classifier.close();
      await guard.close();
      await escalation.close();
      await alerts.close();
      await tickets.close();
      stack.close();
      await fleet.close();
      await provider.close();
      await slack.close();
      await dropPrefix(prefix);
    },
  };
}
