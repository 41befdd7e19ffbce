import { foldCase } from './fold-case.js';

/**
 * Text that tries to instruct the router instead of describing a problem. The prompt tells the model
 * to ignore such text, but a model can be talked round; this check does not depend on the model,
 * so such a ticket always reaches a person. Patterns stay narrow ("please route this to billing" is a
 * normal request) and cover the languages the desk serves. They are written in folded lower case
 * (see foldCase: no dotless ı) and run on folded text, so they need no `i` flag.
 */
export const INJECTION_PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|any|your|system|the)\b[^.!?\n]{0,25}\b(instructions?|rules?|prompts?|directions?|guidelines?)\b/u,
  /\b(system|developer)\s+(prompt|message|instructions?)\b/u,
  /\byou are now\b/u,
  /<\|?\s*(im_start|im_end|system|assistant)\s*\|?>/u,
  /^\s*(system|assistant)\s*:/mu,
  /["']?\b(escalation_required|confidence)\b["']?\s*[:=]/u,
  /\b(set|change|lower|mark|classify)\b[^.!?\n]{0,30}\bpriority\b[^.!?\n]{0,15}\b(as|to)?\s*["']?low\b/u,
  /\b(do not|don't|dont|never|no need to)\b[^.!?\n]{0,20}\bescalat/u,
  /\bignorier\w*\b[^.!?\n]{0,40}\b(anweisung|regel|instruktion|vorgabe)\w*/u,
  /\bvergiss\b[^.!?\n]{0,40}\b(anweisung|regel)\w*/u,
  /\b(talimat|kural)\w*\b[^.!?\n]{0,30}\b(yok say|görmezden gel|unut)/u,
  // Text addressed to the machine rather than to the support team.
  /\b(note|notes|message|instructions?|hint)\b[^.!?\n]{0,20}\b(to|for)\b[^.!?\n]{0,20}\b(ai|automated|automatic|routing|router|classifier|screening|bot|model|assistant|llm|gpt)\b/u,
  /\b(ai|automated)\s+(routing\s+|classifier\s+|assistant\s+|system\s+)?(note|instructions?|message)\b/u,
  /\b(to|for|hello|hi|dear)\b,?\s+(the\s+|any\s+)?(ai|automated assistant|automated system|ai model|routing system|classifier)\b/u,
  /<\/?\s*(instructions?|system|prompt)\s*>/u,
  /\b(ignore|disregard|bypass)\b[^.!?\n]{0,30}\b(routing|policy|policies|guardrails?)\b/u,
  /\b(skip|without|no)\b[^.!?\n]{0,15}\bhuman review\b/u,
  // Decision fields written as assignments or JSON keys: nobody describes a problem that way.
  /\b(priority|escalation|team|category)\s*=\s*["']?\w/u,
  /["'](team|priority|category|escalation)["']\s*:/u,
  /\b(hinweis|anweisung|nachricht|notiz)\b[^.!?\n]{0,15}\b(an|für)\b[^.!?\n]{0,10}\b(das\s+|die\s+)?(ki|routing|system|klassifizierer|bot)\b/u,
  /\ban die ki\b/u,
  /\bkeine eskalation\b/u,
  // Turkish: \b is ASCII-only, so these match on the words themselves.
  /(yapay zek[aâ]|otomatik sistem)\S*\s*[^.!?\n]{0,20}(not|talimat|için)/u,
  /eskalasyon yapma/u,
  /insan incelemesine gönderme/u,
  /sistem mesaji\s*:/u,
];

export function looksLikePromptInjection(texts: readonly string[]): boolean {
  return texts.some((t) => {
    const folded = foldCase(t);
    return INJECTION_PATTERNS.some((re) => re.test(folded));
  });
}
