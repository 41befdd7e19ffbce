export * from './board-queues.js';
export * from './mount-board.js';
export * from './redact.js';
export * from './server.js';
export * from './env.js';
export * from './dead-letter-page.js';
