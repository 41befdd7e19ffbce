export * from './config.js';
export * from './signature.js';
export * from './router.js';
export * from './webhook-worker.js';
export * from './env.js';
