import { describe, expect, it } from 'vitest';
import { reviewDeskConfigFromEnv } from './config.js';

const required = {
  REVIEW_DESK_USERS: JSON.stringify([
    {
      username: 'ana',
      roles: ['reviewer'],
      passwordHash: 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    },
  ]),
  REVIEW_DESK_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
};

describe('review desk configuration from the environment', () => {
  it('lists 500 tickets unless told otherwise', () => {
    expect(reviewDeskConfigFromEnv(required).config.listLimit).toBe(500);
    expect(reviewDeskConfigFromEnv({ ...required, REVIEW_LIST_LIMIT: '50' }).config.listLimit).toBe(50);
  });

  it('names a list limit that is not a count the desk can page', () => {
    for (const bad of ['0', '-3', 'many', '20000'])
      expect(() => reviewDeskConfigFromEnv({ ...required, REVIEW_LIST_LIMIT: bad })).toThrow(/REVIEW_LIST_LIMIT/);
  });
});
