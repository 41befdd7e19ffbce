import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '@switchboard/runtime';
import { hashPassword } from '@switchboard/web-auth';
import { DashboardEnv } from './config.js';

const hash = await hashPassword('a long enough password', { N: 1024, r: 8, p: 1 });
const users = (list: unknown[]): string => JSON.stringify(list);
const base = {
  DASHBOARD_USERS: users([{ username: 'vera', roles: ['viewer'], passwordHash: hash }]),
  DASHBOARD_SESSION_SECRET: 's'.repeat(32),
};
const errorOf = (env: Record<string, string>): string => {
  try {
    parseEnv(DashboardEnv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a configuration error');
};

describe('dashboard configuration', () => {
  it('has safe defaults: port 3100, secure cookie, fleet prefix sb', () => {
    const env = parseEnv(DashboardEnv, base);
    expect(env).toMatchObject({
      DASHBOARD_PORT: 3100,
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_SECURE_COOKIE: true,
      DASHBOARD_SESSION_TTL_MINUTES: 480,
      QUEUE_PREFIX: 'sb',
    });
    expect(env.DASHBOARD_USERS).toEqual([{ username: 'vera', roles: ['viewer'], passwordHash: hash }]);
  });

  it('reads "false" as false, not as a non-empty string', () => {
    expect(parseEnv(DashboardEnv, { ...base, DASHBOARD_SECURE_COOKIE: 'false' }).DASHBOARD_SECURE_COOKIE).toBe(false);
    expect(parseEnv(DashboardEnv, { ...base, DASHBOARD_SECURE_COOKIE: 'TRUE' }).DASHBOARD_SECURE_COOKIE).toBe(true);
    expect(errorOf({ ...base, DASHBOARD_SECURE_COOKIE: 'nope' })).toMatch(
      /DASHBOARD_SECURE_COOKIE: must be true or false/,
    );
  });

  it('names the variable and the problem for bad users', () => {
    expect(errorOf({ ...base, DASHBOARD_USERS: 'not json' })).toMatch(/DASHBOARD_USERS: must be valid JSON/);
    expect(
      errorOf({ ...base, DASHBOARD_USERS: users([{ username: 'vera', roles: ['viewer'], passwordHash: 'hunter2' }]) }),
    ).toMatch(
      /DASHBOARD_USERS\.0\.passwordHash: must be a scrypt hash from `pnpm --silent --filter @switchboard\/app-dashboard hash-password`/,
    );
    expect(
      errorOf({ ...base, DASHBOARD_USERS: users([{ username: 'vera', roles: ['admin'], passwordHash: hash }]) }),
    ).toMatch(/DASHBOARD_USERS\.0\.roles\.0/);
    expect(
      errorOf({ ...base, DASHBOARD_USERS: users([{ username: 'rui', roles: ['reviewer'], passwordHash: hash }]) }),
    ).toMatch(/nobody could open the dashboard/);
    const twice = { username: 'vera', roles: ['viewer'], passwordHash: hash };
    expect(errorOf({ ...base, DASHBOARD_USERS: users([twice, twice]) })).toMatch(/usernames must be unique/);
    expect(errorOf({ DASHBOARD_SESSION_SECRET: base.DASHBOARD_SESSION_SECRET })).toMatch(/DASHBOARD_USERS/);
  });

  it('refuses a short session secret and a port out of range', () => {
    expect(errorOf({ ...base, DASHBOARD_SESSION_SECRET: 'short' })).toMatch(
      /DASHBOARD_SESSION_SECRET: must be at least 32 characters/,
    );
    expect(errorOf({ ...base, DASHBOARD_PORT: '70000' })).toMatch(/DASHBOARD_PORT/);
  });
});
