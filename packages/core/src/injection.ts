/**
 * Text that tries to instruct the router instead of describing a problem. The prompt tells the model
 * to ignore such text, but a model can be talked round; this check does not depend on the model,
 * so such a ticket always reaches a person. Patterns stay narrow ("please route this to billing" is a
 * normal request) and cover the languages the desk serves.
 */
const PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|any|your|system|the)\b[^.!?\n]{0,25}\b(instructions?|rules?|prompts?|directions?|guidelines?)\b/iu,
  /\b(system|developer)\s+(prompt|message|instructions?)\b/iu,
  /\byou are now\b/iu,
  /<\|?\s*(im_start|im_end|system|assistant)\s*\|?>/iu,
  /^\s*(system|assistant)\s*:/imu,
  /["']?\b(escalation_required|confidence)\b["']?\s*[:=]/iu,
  /\b(set|change|lower|mark|classify)\b[^.!?\n]{0,30}\bpriority\b[^.!?\n]{0,15}\b(as|to)?\s*["']?low\b/iu,
  /\b(do not|don't|dont|never|no need to)\b[^.!?\n]{0,20}\bescalat/iu,
  /\bignorier\w*\b[^.!?\n]{0,40}\b(anweisung|regel|instruktion|vorgabe)\w*/iu,
  /\bvergiss\b[^.!?\n]{0,40}\b(anweisung|regel)\w*/iu,
  /\b(talimat|kural)\w*\b[^.!?\n]{0,30}\b(yok say|görmezden gel|unut)/iu,
  // Text addressed to the machine rather than to the support team.
  /\b(note|notes|message|instructions?|hint)\b[^.!?\n]{0,20}\b(to|for)\b[^.!?\n]{0,20}\b(ai|automated|automatic|routing|router|classifier|screening|bot|model|assistant|llm|gpt)\b/iu,
  /\b(ai|automated)\s+(routing\s+|classifier\s+|assistant\s+|system\s+)?(note|instructions?|message)\b/iu,
  /\b(to|for|hello|hi|dear)\b,?\s+(the\s+|any\s+)?(ai|automated assistant|automated system|ai model|routing system|classifier)\b/iu,
  /<\/?\s*(instructions?|system|prompt)\s*>/iu,
  /\b(ignore|disregard|bypass)\b[^.!?\n]{0,30}\b(routing|policy|policies|guardrails?)\b/iu,
  /\b(skip|without|no)\b[^.!?\n]{0,15}\bhuman review\b/iu,
  // Decision fields written as assignments or JSON keys: nobody describes a problem that way.
  /\b(priority|escalation|team|category)\s*=\s*["']?\w/iu,
  /["'](team|priority|category|escalation)["']\s*:/iu,
  /\b(hinweis|anweisung|nachricht|notiz)\b[^.!?\n]{0,15}\b(an|für)\b[^.!?\n]{0,10}\b(das\s+|die\s+)?(ki|routing|system|klassifizierer|bot)\b/iu,
  /\ban die ki\b/iu,
  /\bkeine eskalation\b/iu,
  // Turkish: \b is ASCII-only, so these match on the words themselves.
  /(yapay zek[aâ]|otomatik sistem)\S*\s*[^.!?\n]{0,20}(not|talimat|için)/iu,
  /eskalasyon yapma/iu,
  /insan incelemesine gönderme/iu,
  /sistem mesajı\s*:/iu,
];

export function looksLikePromptInjection(texts: readonly string[]): boolean {
  return texts.some((t) => PATTERNS.some((re) => re.test(t)));
}
