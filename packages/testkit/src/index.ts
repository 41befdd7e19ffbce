export * from './fake-openai.js';
export * from './redis.js';
export * from './logger.js';
