import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('never writes ticket text, subjects, e-mail addresses or raw model output', () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: 't', level: 'info' }, stream).child({ jobId: 't-1' });
    log.info(
      {
        data: {
          ticket: {
            id: 'A-1',
            subject: 'My invoice',
            body: 'Card 4111 1111 1111 1111 charged twice',
            customer: { email: 'ayse@example.com' },
          },
        },
        record: { raw: '{"category":"billing"}' },
      },
      'processing',
    );
    log.warn('could not reach ayse@example.com about A-1');
    log.warn({ note: 'customer said: call me on +49 170 1234567, card 5555 5555 5555 4444' }, 'quoted by a worker');
    log.error({ err: new Error('rejected for jane.doe@example.org') }, 'failed');
    const out = lines.join('');
    for (const secret of [
      'My invoice',
      '4111',
      'ayse@example.com',
      'jane.doe@example.org',
      '"category":"billing"',
      '170 1234567',
      '5555 5555',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"id":"A-1"');
    expect(out).toContain('[redacted]');
    expect(out).toContain('[email]');
  });

  it('scrubs e-mail addresses from any field at any depth, and drops metadata and rationales', () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: 't', level: 'info' }, stream);
    log.info(
      {
        customer: { id: 'mehmet@example.com.tr' },
        a: { b: { c: { d: { e: { f: 'write to x.y@corp.example' } } } } },
        metadata: { crm: 'VIP' },
        decision: { rationale: 'customer Ayşe asks' },
      },
      'deep',
    );
    log.error({ err: new Error('disk full for ops@example.com') }, 'failed');
    const out = lines.join('');
    expect(out).toContain('"message":"disk full for [email]"');
    for (const secret of ['mehmet@example.com.tr', 'x.y@corp.example', 'VIP', 'Ayşe'])
      expect(out).not.toContain(secret);
  });
});

describe('logger bindings and depth', () => {
  it('censors sensitive fields bound on a child logger and objects nested past the walk', () => {
    const { lines, stream } = capture();
    let nested: Record<string, unknown> = { body: 'deep secret text' };
    for (let i = 0; i < 12; i++) nested = { level: nested };
    createLogger({ name: 't', level: 'info' }, stream)
      .child({ subject: 'Refund for order 7', email: 'a@b.example', jobId: 'j-1' })
      .info({ nested }, 'bound');
    const out = lines.join('');
    for (const secret of ['Refund for order 7', 'a@b.example', 'deep secret text']) expect(out).not.toContain(secret);
    expect(out).toContain('"jobId":"j-1"');
  });

  it('censors nested bindings of children and grandchildren, keeping the fields of each level', () => {
    const { lines, stream } = capture();
    const child = createLogger({ name: 't', level: 'info' }, stream).child({
      queue: 'tickets',
      ticket: { id: 'T-9', subject: 'Chargeback on 4111' },
    });
    child.child({ jobId: 'j-2', customer: { email: 'x@y.example' } }).info('grandchild');
    const out = lines.join('');
    for (const secret of ['Chargeback', 'x@y.example']) expect(out).not.toContain(secret);
    expect(out).toContain('"queue":"tickets"');
    expect(out).toContain('"jobId":"j-2"');
    expect(out).toContain('"id":"T-9"');
  });

  it('walks the own fields of an error, under err or any other key', () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: 't', level: 'info' }, stream);
    const withBody = Object.assign(new Error('upstream said no'), {
      body: 'ticket text: my invoice',
      statusCode: 400,
      detail: 'mail me at a@b.example',
    });
    log.error({ err: withBody }, 'call failed');
    log.warn({ cause: withBody }, 'kept for later');
    const out = lines.join('');
    for (const secret of ['my invoice', 'a@b.example']) expect(out).not.toContain(secret);
    expect(out).toContain('"message":"upstream said no"');
    expect(out).toContain('"statusCode":400');
  });
});
