export * from './config.js';
export * from './claims.js';
export * from './review-list.js';
export * from './ground-truth.js';
export * from './desk.js';
export * from './server.js';
export * from './env.js';
