export * from './prompt.js';
export * from './openai-tier.js';
