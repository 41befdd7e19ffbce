import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { composeEnv } from './env-fragment.js';
import { serviceEnv } from './env.js';
import { runCommand, runService } from './service.js';
import { createLogger } from './logger.js';

const Env = composeEnv('test', [serviceEnv]).schema;

/** A service run with fake signals, exit and stdout; `exited` resolves with the first exit code. */
function harness(from: Record<string, string> = {}) {
  const signals = new EventEmitter();
  const lines: string[] = [];
  let onExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  const codes: number[] = [];
  const run = (start: Parameters<typeof runService<typeof Env>>[1]) =>
    runService(
      {
        name: 'unit',
        env: Env,
        from: { LOG_LEVEL: 'info', ...from },
        signals,
        exit: (code) => {
          codes.push(code);
          onExit(code);
        },
        logDestination: { write: (s: string) => void lines.push(s) },
      },
      start,
    );
  return { signals, lines, exited, codes, run };
}

describe('runService', () => {
  it('on SIGTERM closes what was opened, last opened first, and exits 0', async () => {
    const h = harness();
    const closed: string[] = [];
    await h.run((s) => {
      s.onClose('redis', () => void closed.push('redis'));
      const server = s.use('server', { name: 'server' }, (r) => Promise.resolve().then(() => closed.push(r.name)));
      expect(server.name).toBe('server');
      s.onClose('worker', () => void closed.push('worker'));
    });
    expect(closed).toEqual([]);
    h.signals.emit('SIGTERM');
    expect(await h.exited).toBe(0);
    expect(closed).toEqual(['worker', 'server', 'redis']);
    expect(h.lines.join('')).toContain('shutdown complete');
  });

  it('runs every other close when one throws, logs it, and still exits 0', async () => {
    const h = harness();
    const closed: string[] = [];
    await h.run((s) => {
      s.onClose('first', () => void closed.push('first'));
      s.onClose('broken', () => Promise.reject(new Error('socket already gone')));
      s.onClose('last', () => void closed.push('last'));
    });
    h.signals.emit('SIGINT');
    expect(await h.exited).toBe(0);
    expect(closed).toEqual(['last', 'first']);
    expect(h.lines.join('')).toMatch(/"resource":"broken".*error while closing/);
  });

  it('exits 1 when closing overruns SHUTDOWN_DEADLINE_MS', async () => {
    const h = harness({ SHUTDOWN_DEADLINE_MS: '50' });
    await h.run((s) => {
      s.onClose('stuck', () => new Promise(() => {}));
    });
    h.signals.emit('SIGTERM');
    expect(await h.exited).toBe(1);
    expect(h.lines.join('')).toContain('shutdown deadline exceeded');
  });

  it('closes what was already opened and exits 1 when start-up fails', async () => {
    const h = harness();
    const closed: string[] = [];
    await h.run((s) => {
      s.onClose('redis', () => void closed.push('redis'));
      throw new Error('metrics port in use');
    });
    expect(await h.exited).toBe(1);
    expect(h.codes).toEqual([1]);
    expect(closed).toEqual(['redis']);
    expect(h.lines.join('')).toMatch(/start-up failed.*metrics port in use|metrics port in use.*start-up failed/);
  });

  it('names a bad variable and exits 1 before starting anything', async () => {
    const h = harness({ SHUTDOWN_DEADLINE_MS: 'soon' });
    let started = false;
    await h.run(() => {
      started = true;
    });
    expect(await h.exited).toBe(1);
    expect(started).toBe(false);
    expect(h.lines.join('')).toContain('SHUTDOWN_DEADLINE_MS');
  });

  it('hands the parsed environment to the service', async () => {
    const h = harness({ SHUTDOWN_DEADLINE_MS: '1234' });
    let deadline = 0;
    await h.run((s) => {
      deadline = s.env.SHUTDOWN_DEADLINE_MS;
    });
    expect(deadline).toBe(1234);
    expect(h.codes).toEqual([]);
  });
});

describe('runCommand', () => {
  it('closes what the command opened when it ends, also when it fails, and exits 1 on failure', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'ops', level: 'info' }, { write: (s: string) => void lines.push(s) });
    const closed: string[] = [];
    const codes: number[] = [];
    await runCommand({ name: 'ok', logger, exit: (c) => void codes.push(c) }, (s) => {
      s.onClose('fleet', () => void closed.push('ok-fleet'));
    });
    await runCommand({ name: 'broken', logger, exit: (c) => void codes.push(c) }, (s) => {
      s.onClose('fleet', () => void closed.push('broken-fleet'));
      throw new Error('no such job');
    });
    expect(closed).toEqual(['ok-fleet', 'broken-fleet']);
    expect(codes).toEqual([1]);
    expect(lines.join('')).toContain('no such job');
  });
});
