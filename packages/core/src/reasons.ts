/**
 * Why a ticket went to a human. Codes, never free text alone, so they can be counted and alerted on.
 * `critical_keyword:<word>` carries the keyword that fired.
 */
export const REASON = {
  modelFlagged: 'model_flagged',
  highPriorityLowConfidence: 'high_priority_low_confidence',
  lowConfidence: 'low_confidence',
  modelOutputInvalid: 'model_output_invalid',
  modelsUnavailable: 'models_unavailable',
  /** The pipeline itself failed on the ticket (retries exhausted); a human takes it from dead letter. */
  pipelineFailed: 'pipeline_failed',
  promptInjectionSuspected: 'prompt_injection_suspected',
} as const;

/** Facts recorded on a decision that do not send it to a human. */
export const NOTE = {
  /** The deciding tier was sure of the category but not the priority; priority was set to medium. */
  priorityUnsure: 'priority_unsure',
  /**
   * The local model found the ticket unlike its training data and declined to decide, however sure
   * its softmax was; the next tier (or a person) decided.
   */
  localOutOfDomain: 'local_out_of_domain',
  /**
   * The local model has not yet been judged on this desk's own labels (a shipped or imported model
   * on probation): its answer was recorded but not used; the next tier (or a person) decided.
   */
  localProbation: 'local_probation',
} as const;

export type ReasonCode = (typeof REASON)[keyof typeof REASON] | `critical_keyword:${string}`;

export const criticalReason = (keyword: string): ReasonCode => `critical_keyword:${keyword}`;
