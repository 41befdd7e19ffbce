import { describe, expect, it } from 'vitest';
import { parseModelOutput } from './model-decision.js';
import { DEFAULT_ROUTING_TABLE, type RoutingTable } from './taxonomy.js';

const valid = {
  category: 'bug',
  priority: 'high',
  team: 'core_eng',
  confidence: 0.92,
  escalation_required: false,
  rationale: 'export crashes with a stack trace',
};

const raw = (over: Record<string, unknown> = {}, drop: string[] = []): string => {
  const o: Record<string, unknown> = { ...valid, ...over };
  for (const k of drop) delete o[k];
  return JSON.stringify(o);
};

describe('parseModelOutput', () => {
  it('accepts an answer that follows the contract', () => {
    expect(parseModelOutput(raw(), DEFAULT_ROUTING_TABLE)).toEqual({ ok: true, decision: valid });
  });

  it('accepts whitespace around the JSON object', () => {
    expect(parseModelOutput(`\n  ${raw()}  \n`, DEFAULT_ROUTING_TABLE).ok).toBe(true);
  });

  it.each([
    ['plain prose', 'This is a bug ticket for core_eng.'],
    ['prose before the JSON', `Here is the routing: ${raw()}`],
    ['prose after the JSON', `${raw()}\nHope this helps!`],
    ['a markdown code fence', `\`\`\`json\n${raw()}\n\`\`\``],
    ['an empty string', ''],
    ['truncated JSON', raw().slice(0, 40)],
  ])('rejects %s as not_json', (_label, text) => {
    expect(parseModelOutput(text, DEFAULT_ROUTING_TABLE)).toEqual({ ok: false, error: 'not_json' });
  });

  it.each([
    ['a missing priority', raw({}, ['priority']), 'schema:priority:invalid_value'],
    ['a missing rationale', raw({}, ['rationale']), 'schema:rationale:invalid_type'],
    ['an unknown category', raw({ category: 'refunds' }), 'schema:category:invalid_value'],
    ['an unknown priority', raw({ priority: 'critical' }), 'schema:priority:invalid_value'],
    ['an unknown team', raw({ team: 'legal' }), 'schema:team:invalid_value'],
    ['a differently-cased enum value', raw({ category: 'Bug' }), 'schema:category:invalid_value'],
    ['an extra field', raw({ admin_override: true }), 'schema:root:unrecognized_keys'],
    ['confidence above 1', raw({ confidence: 1.2 }), 'schema:confidence:too_big'],
    ['negative confidence', raw({ confidence: -0.1 }), 'schema:confidence:too_small'],
    ['confidence as a string', raw({ confidence: '0.9' }), 'schema:confidence:invalid_type'],
    [
      'escalation_required as a string',
      raw({ escalation_required: 'false' }),
      'schema:escalation_required:invalid_type',
    ],
    ['a rationale over 80 characters', raw({ rationale: 'x'.repeat(81) }), 'schema:rationale:too_big'],
    ['a JSON array', '[]', 'schema:root:invalid_type'],
    ['JSON null', 'null', 'schema:root:invalid_type'],
  ])('rejects %s with a schema error code', (_label, text, error) => {
    expect(parseModelOutput(text, DEFAULT_ROUTING_TABLE)).toEqual({ ok: false, error });
  });

  it('accepts a rationale of exactly 80 characters and confidence at the bounds', () => {
    expect(parseModelOutput(raw({ rationale: 'x'.repeat(80) }), DEFAULT_ROUTING_TABLE).ok).toBe(true);
    expect(parseModelOutput(raw({ confidence: 0 }), DEFAULT_ROUTING_TABLE).ok).toBe(true);
    expect(parseModelOutput(raw({ confidence: 1 }), DEFAULT_ROUTING_TABLE).ok).toBe(true);
  });

  it('rejects a team that contradicts the routing table', () => {
    expect(parseModelOutput(raw({ category: 'billing', team: 'sales' }), DEFAULT_ROUTING_TABLE)).toEqual({
      ok: false,
      error: 'team_mismatch:sales!=billing_support',
    });
  });

  it('checks the team against the configured routing table, not the default one', () => {
    const routing: RoutingTable = { ...DEFAULT_ROUTING_TABLE, bug: 'tech_support' };
    expect(parseModelOutput(raw({ team: 'tech_support' }), routing).ok).toBe(true);
    expect(parseModelOutput(raw(), routing)).toEqual({ ok: false, error: 'team_mismatch:core_eng!=tech_support' });
  });
});
