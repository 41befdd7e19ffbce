export * from './fake-openai.js';
export * from './redis.js';
export * from './logger.js';
export * from './fake-slack.js';
export * from './redis-server.js';
export * from './fake-helpdesk.js';
export * from './fake-zendesk.js';
export * from './fake-zammad.js';
