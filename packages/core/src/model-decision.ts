import { z } from 'zod';
import { Category, Priority, Team, type RoutingTable } from './taxonomy.js';

/** What a model must answer: exactly these fields, nothing else (prompts/routing_prompt.txt). */
export const ModelDecision = z.strictObject({
  category: Category,
  priority: Priority,
  team: Team,
  confidence: z.number().min(0).max(1),
  escalation_required: z.boolean(),
  rationale: z.string().max(80),
});
export type ModelDecision = z.infer<typeof ModelDecision>;

export type ParsedModelOutput = { ok: true; decision: ModelDecision } | { ok: false; error: string };

/**
 * Validates a model's raw answer. Prose around the JSON, a missing field, an out-of-enum value or a
 * team the routing table does not give to that category are all failures: a model that cannot follow
 * the contract is not trusted with routing.
 */
export function parseModelOutput(raw: string, routing: RoutingTable): ParsedModelOutput {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not_json' };
  }
  const parsed = ModelDecision.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || 'root';
    return { ok: false, error: `schema:${where}:${first?.code ?? 'invalid'}` };
  }
  const expected = routing[parsed.data.category];
  if (parsed.data.team !== expected) {
    return { ok: false, error: `team_mismatch:${parsed.data.team}!=${expected}` };
  }
  return { ok: true, decision: parsed.data };
}
