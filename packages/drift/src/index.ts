export * from './config.js';
export * from './slack.js';
export * from './alerts.js';
export * from './production-drift.js';
export * from './messages.js';
export * from './weekly-report.js';
export * from './drift-check.js';
export * from './service.js';
