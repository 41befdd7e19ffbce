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
];

export function looksLikePromptInjection(texts: readonly string[]): boolean {
  return texts.some((t) => PATTERNS.some((re) => re.test(t)));
}
