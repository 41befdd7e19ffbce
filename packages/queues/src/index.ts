export * from './connection.js';
export * from './definitions.js';
export * from './payloads.js';
export * from './factory.js';
export * from './ticket-store.js';
export * from './dead-letter.js';
export * from './fleet-context.js';
