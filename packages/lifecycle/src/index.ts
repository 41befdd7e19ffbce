export * from './lifecycle.js';
export * from './team-delivery.js';
export * from './replay.js';
export * from './forget.js';
