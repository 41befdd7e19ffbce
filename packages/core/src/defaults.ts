export const DEFAULT_CRITICAL_KEYWORDS = [
  'urgent',
  'asap',
  'production down',
  'data loss',
  'gdpr',
  'kvkk',
] as const;

export const DEFAULT_THRESHOLDS = { cheap: 0.75, strong: 0, highPriorityMinConfidence: 0.85 } as const;
