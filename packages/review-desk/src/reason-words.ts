import { NOTE, REASON } from '@switchboard/core';

/** Reason codes stay the stored, countable truth; these words are what a person reads beside them. */
const WORDS: Record<string, string> = {
  [REASON.modelFlagged]: 'The model asked for a person',
  [REASON.highPriorityLowConfidence]: 'High priority, and the model was not sure enough',
  [REASON.lowConfidence]: 'No model was sure enough',
  [REASON.modelOutputInvalid]: 'The model gave an answer that broke the rules',
  [REASON.modelsUnavailable]: 'No model could answer',
  [REASON.pipelineFailed]: 'The pipeline failed on this ticket',
  [REASON.promptInjectionSuspected]: 'The text tries to instruct the router',
  [NOTE.priorityUnsure]: 'Priority unsure, set to medium',
  [NOTE.localOutOfDomain]: 'Unlike what the local model was trained on',
  [NOTE.localProbation]: 'The local model is not yet proven on this desk’s tickets',
};

/** The words for a reason code; `critical_keyword:<word>` names the word, an unknown code is shown as it is. */
export function reasonInWords(code: string): string {
  const critical = /^critical_keyword:(.+)$/.exec(code);
  if (critical) return `Critical word “${critical[1]}”: no model may decide`;
  return WORDS[code] ?? code;
}

/**
 * The local tier writes its rationale as `local p=0.410 priority p=0.589`; a person reads it as two
 * certainties. Any other rationale (a model's sentence) is returned unchanged.
 */
export function rationaleInWords(rationale: string): string {
  const m = /^local p=([\d.]+)(?: priority p=([\d.]+))?/.exec(rationale.trim());
  if (!m) return rationale;
  const share = (s: string | undefined): string => `${Math.round(Number(s) * 100)}%`;
  const unlike = rationale.includes('out of domain') ? '; the ticket is unlike its training data' : '';
  return `Local model: ${share(m[1])} sure of the category${m[2] ? `, ${share(m[2])} of the priority` : ''}${unlike}`;
}
