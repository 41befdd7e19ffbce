export * from './prompt.js';
export * from './openai-tier.js';
export * from './pooled-fetch.js';
