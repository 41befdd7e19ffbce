export * from './password.js';
export * from './users.js';
export * from './session.js';
export * from './session-store.js';
export * from './plugin.js';
export * from './password-prompt.js';
