export * from './config.js';
export * from './tiers.js';
export * from './worker.js';
export * from './local-tier.js';
export * from './model-holder.js';
export * from './calibrate.js';
export * from './env-config.js';
