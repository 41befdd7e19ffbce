export * from './logger.js';
export * from './shutdown.js';
export * from './env.js';
export * from './app.js';
