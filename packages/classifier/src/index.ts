export * from './config.js';
export * from './tiers.js';
export * from './worker.js';
