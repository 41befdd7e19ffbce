import { Counter, type Registry } from 'prom-client';

/** Sign-ins at the web apps (dashboard, review desk): wrong passwords and throttled attempts, by where they came in. */
export interface LoginMetricsRecorder {
  failed(via: 'form' | 'basic'): void;
  throttled(scope: 'user' | 'address', via: 'form' | 'basic'): void;
}

export function createLoginMetrics(registry: Registry): LoginMetricsRecorder {
  const registers = [registry];
  const failures = new Counter({
    name: 'switchboard_web_login_failures_total',
    help: 'Sign-ins refused for a wrong username or password; via=form (login page) or basic (HTTP Basic on the API).',
    labelNames: ['via'] as const,
    registers,
  });
  const throttled = new Counter({
    name: 'switchboard_web_login_throttled_total',
    help: 'Sign-in attempts refused with 429 before any password check; scope=user or address (which count ran out).',
    labelNames: ['scope', 'via'] as const,
    registers,
  });
  return {
    failed: (via) => failures.inc({ via }),
    throttled: (scope, via) => throttled.inc({ scope, via }),
  };
}
