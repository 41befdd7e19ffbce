import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecisionRecord, REASON, type Priority } from '@switchboard/core';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { humanReviewQueue, jobIdForTicket, webhooksQueue } from './definitions.js';
import { openQueue } from './factory.js';
import { openFleetContext, type FleetContext } from './fleet-context.js';
import { inspectQueue } from './inspector.js';
import type { RoutedTicket } from './payloads.js';

const now = new Date().toISOString();
const routed = (id: string, priority: Priority | null, reasons: string[] = ['model_flagged']): RoutedTicket => ({
  ticket: { id, body: 'The export button does nothing', receivedAt: now },
  record: DecisionRecord.parse({
    outcome: priority ? 'decided' : 'failed',
    tier: priority ? 'cheap' : null,
    model: null,
    promptVersion: null,
    decision: priority
      ? { category: 'bug', priority, team: 'core_eng', confidence: 0.9, escalation_required: true, rationale: 'r' }
      : null,
    raw: null,
    criticalKeyword: null,
    failureReasons: [],
    notes: [],
    attempts: [],
    totals: { latencyMs: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    decidedAt: now,
  }),
  route: { team: 'core_eng', via: 'human', escalated: true, reasons },
  routedAt: now,
});

describe('the queue catalog, through producers and the inspector', () => {
  let prefix: string;
  let fleet: FleetContext;

  beforeEach(async () => {
    prefix = uniquePrefix('catalog');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 8,
    });
  });
  afterEach(async () => {
    await fleet.close();
    await dropPrefix(prefix);
  });

  it('lists human review most urgent first without the producer passing a priority', async () => {
    const review = openQueue(humanReviewQueue, fleet.ctx);
    const reader = inspectQueue(humanReviewQueue, fleet.ctx);
    try {
      await review.add(jobIdForTicket('low'), routed('low', 'low'));
      await review.add(jobIdForTicket('high'), routed('high', 'high'));
      await review.add(jobIdForTicket('medium'), routed('medium', 'medium'));
      // The pipeline gave up on a ticket the model thought unimportant: a person sees it first anyway.
      await review.addMany([
        { jobId: jobIdForTicket('failed'), data: routed('failed', 'low', [REASON.pipelineFailed]) },
        { jobId: jobIdForTicket('unknown'), data: routed('unknown', null) },
      ]);
      const listed = await reader.list(['prioritized', 'waiting'], { asc: true });
      expect(listed.map((j) => j.id)).toEqual(['t-high', 't-failed', 't-unknown', 't-medium', 't-low']);
      expect(await reader.counts('prioritized', 'waiting')).toEqual({ prioritized: 5, waiting: 0 });
    } finally {
      await Promise.all([review.close(), reader.close()]);
    }
  });

  it('reports a malformed payload instead of throwing, and gets and removes single jobs', async () => {
    const review = openQueue(humanReviewQueue, fleet.ctx);
    const reader = inspectQueue(humanReviewQueue, fleet.ctx);
    try {
      await review.add(jobIdForTicket('ok'), routed('ok', 'medium'));
      await review.queue.add('review', { ticket: { id: 'broken' } }, { jobId: 't-broken' });

      const listed = await reader.list(['prioritized', 'waiting']);
      const broken = listed.find((j) => j.id === 't-broken');
      expect(broken?.ok).toBe(false);
      expect(broken && !broken.ok ? broken.problem : '').toMatch(/ticket/);
      const good = await reader.get('t-ok');
      expect(good?.ok && good.data.record.decision?.priority).toBe('medium');

      expect(await reader.get('t-nothing')).toBeUndefined();
      expect(await reader.remove('t-ok')).toBe(true);
      expect(await reader.get('t-ok')).toBeUndefined();
      expect(await reader.remove('t-ok')).toBe(false);
    } finally {
      await Promise.all([review.close(), reader.close()]);
    }
  });

  it('gives every webhook delivery the declared retries, or the deployment’s override of them', async () => {
    const declared = openQueue(webhooksQueue, fleet.ctx);
    const overridden = openQueue(webhooksQueue, fleet.ctx, { attempts: 3 });
    const reader = inspectQueue(webhooksQueue, fleet.ctx);
    try {
      await declared.add('t-a', routed('a', 'low'));
      await overridden.add('t-b', routed('b', 'low'));
      const a = await reader.get('t-a');
      const b = await reader.get('t-b');
      expect(a?.job.opts).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 2_000 } });
      expect(b?.job.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 2_000 } });
    } finally {
      await Promise.all([declared.close(), overridden.close(), reader.close()]);
    }
  });
});
