export * from './training-set.js';
export * from './compare.js';
export * from './holdout.js';
export * from './retrain.js';
export * from './service.js';
export * from './env.js';
