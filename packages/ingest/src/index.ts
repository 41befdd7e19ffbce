export * from './auth.js';
export * from './accept.js';
export * from './server.js';
export * from './upstream-signature.js';
export * from './env.js';
export * from './connector-routes.js';
