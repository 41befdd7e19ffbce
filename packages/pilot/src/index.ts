export * from './rows.js';
export * from './gate.js';
export * from './report.js';
export * from './report-text.js';
export * from './candidates.js';
export * from './env.js';
export * from './stage-change.js';
