export * from './fake-openai.js';
export * from './redis.js';
export * from './logger.js';
export * from './fake-slack.js';
export * from './redis-server.js';
