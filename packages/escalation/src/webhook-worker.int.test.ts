import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { deadLetterId, jobIdForTicket, webhooksQueue, type DeadLetterJob } from '@switchboard/queues';
import { waitFor } from '@switchboard/testkit';
import { EscalationConfig, type EscalationConfigInput } from './config.js';
import { startEscalation } from './router.js';
import { verifyWebhook } from './signature.js';
import { decidedRecord, makeTicket, openHarness, type EscalationHarness } from './testing/escalation-harness.js';
import { startWebhookWorker } from './webhook-worker.js';

const SECRET = 'billing-webhook-secret-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers its n-th request (0-based): a status code, or 'hang' to never answer. */
type Answer = (n: number) => number | 'hang';

/** A team's webhook receiver, on loopback: the only fake these tests use. */
interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

async function startReceiver(answer: Answer): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(n);
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/switchboard`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const header = (r: Received | undefined, name: string): string => {
  const v = r?.headers[name];
  return typeof v === 'string' ? v : '';
};

const verifies = (r: Received | undefined, secret = SECRET): boolean =>
  verifyWebhook(secret, header(r, 'x-switchboard-timestamp'), r?.body ?? '', header(r, 'x-switchboard-signature'));

describe('team webhooks', { timeout: 30_000 }, () => {
  let h: EscalationHarness | undefined;
  let receiver: Receiver | undefined;
  let service: ReturnType<typeof startEscalation> | undefined;
  let webhookWorker: Worker | undefined;

  afterEach(async () => {
    await webhookWorker?.close(true);
    await service?.close();
    await receiver?.close();
    await h?.close();
    h = receiver = service = webhookWorker = undefined;
  });

  /** Escalation and webhook delivery as the app wires them, with billing_support's webhook configured. */
  async function start(
    answer: Answer,
    overrides: Partial<EscalationConfigInput> = {},
  ): Promise<{ h: EscalationHarness; receiver: Receiver }> {
    h = await openHarness('webhooks');
    receiver = await startReceiver(answer);
    const config = EscalationConfig.parse({
      concurrency: 2,
      webhooks: { billing_support: { url: receiver.url, secret: SECRET } },
      webhookBackoffMs: 50,
      webhookTimeoutMs: 2_000,
      ...overrides,
    });
    service = startEscalation(config, { ctx: h.fleet.ctx, store: h.fleet.store, onExhausted: h.fleet.deadLetter });
    webhookWorker = startWebhookWorker(config, {
      ctx: h.fleet.ctx,
      store: h.fleet.store,
      onExhausted: h.fleet.deadLetter,
    });
    return { h, receiver };
  }

  it('POSTs the routed ticket, signed so that the receiver can verify it, with a delivery id', async () => {
    const { h, receiver } = await start(() => 200);
    const ticket = makeTicket('W-1');
    await h.decide(ticket, decidedRecord());

    const [got] = await waitFor(
      () => (receiver.received.length >= 1 ? receiver.received : undefined),
      10_000,
      'webhook POST',
    );
    expect(header(got, 'content-type')).toContain('application/json');
    expect(verifies(got)).toBe(true);
    expect(verifies(got, 'some-other-secret-0123456789')).toBe(false);
    expect(header(got, 'x-switchboard-delivery')).toBe(jobIdForTicket('W-1'));

    const payload = JSON.parse(got?.body ?? '{}') as {
      ticketId: string;
      ticket: { body: string };
      route: { team: string; escalated: boolean };
      decision: { decision: { category: string } };
    };
    expect(payload.ticketId).toBe('W-1');
    expect(payload.ticket.body).toBe(ticket.body);
    expect(payload.route).toMatchObject({ team: 'billing_support', escalated: false });
    expect(payload.decision.decision.category).toBe('billing');

    // The webhook is in addition to the team queue, not instead of it.
    expect((await h.settled('W-1')).status).toBe('routed');
    expect(await h.team('billing_support').getJob(jobIdForTicket('W-1'))).toBeDefined();
    await waitFor(
      async () => ((await h.webhooks.getJobState(jobIdForTicket('W-1'))) === 'completed' ? true : undefined),
      10_000,
      'webhook job completed',
    );
    expect(receiver.received).toHaveLength(1);
  });

  it('does not call the webhook for an escalated ticket, nor for a team without one', async () => {
    const { h, receiver } = await start(() => 200);
    await h.decisionCompleted(await h.decide(makeTicket('W-escalated'), decidedRecord({ escalation_required: true })));
    await h.decisionCompleted(
      await h.decide(makeTicket('W-tech'), decidedRecord({ category: 'technical', team: 'tech_support' })),
    );

    expect(await h.webhooks.getJob(jobIdForTicket('W-escalated'))).toBeUndefined();
    expect(await h.webhooks.getJob(jobIdForTicket('W-tech'))).toBeUndefined();
    expect(await h.webhooks.count()).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('retries a receiver that fails, with the same delivery id, until it accepts', async () => {
    const { h, receiver } = await start((n) => (n < 2 ? 500 : 200), { webhookAttempts: 4 });
    await h.decide(makeTicket('W-retry'), decidedRecord());

    await waitFor(
      async () => ((await h.webhooks.getJobState(jobIdForTicket('W-retry'))) === 'completed' ? true : undefined),
      15_000,
      'webhook delivered',
    );
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => header(r, 'x-switchboard-delivery')))).toEqual(
      new Set([jobIdForTicket('W-retry')]),
    );
    for (const r of receiver.received) expect(verifies(r)).toBe(true);
    expect(await h.deadLetter.count()).toBe(0);
  });

  it('dead-letters a delivery whose receiver never accepts, after the configured attempts', async () => {
    const { h, receiver } = await start(() => 503, { webhookAttempts: 2 });
    await h.decide(makeTicket('W-dead'), decidedRecord());

    const dead = await waitFor(
      () => h.deadLetter.getJob(deadLetterId(webhooksQueue.queueName, jobIdForTicket('W-dead'))),
      15_000,
      'dead letter',
    );
    const data = dead.data as DeadLetterJob;
    expect(data.queue).toBe(webhooksQueue.queueName);
    expect(data.error).toContain('503');
    expect(data.attemptsMade).toBe(2);
    expect(receiver.received).toHaveLength(2);
    // The team queue still has the ticket: only the push notification failed.
    expect(await h.team('billing_support').getJob(jobIdForTicket('W-dead'))).toBeDefined();
    // So the ticket stays routed, and its record says the webhook failed.
    const view = await waitFor(
      async () => {
        const v = await h.fleet.store.get('W-dead');
        return v?.deliveryError ? v : undefined;
      },
      5_000,
      'delivery error on the record',
    );
    expect(view.status).toBe('routed');
    expect(view.deliveryError).toContain('503');
  });

  it('gives up on a receiver that never answers instead of hanging', async () => {
    const { h, receiver } = await start(() => 'hang', { webhookAttempts: 2, webhookTimeoutMs: 200 });
    await h.decide(makeTicket('W-hang'), decidedRecord());

    const dead = await waitFor(
      () => h.deadLetter.getJob(deadLetterId(webhooksQueue.queueName, jobIdForTicket('W-hang'))),
      15_000,
      'dead letter',
    );
    expect((dead.data as DeadLetterJob).attemptsMade).toBe(2);
    expect(receiver.received).toHaveLength(2);
  });
});
