export const DEFAULT_CRITICAL_KEYWORDS = ['urgent', 'asap', 'production down', 'data loss', 'gdpr', 'kvkk'] as const;

/**
 * Until `calibrate` fits them on data: cheap at 0.75 as the seed plan says; the strong tier, the last
 * model, must still be fairly sure, or a human decides (low_confidence).
 */
export const DEFAULT_THRESHOLDS = {
  local: 0.9,
  localPriority: 0.7,
  cheap: 0.75,
  strong: 0.6,
  highPriorityMinConfidence: 0.85,
} as const;
