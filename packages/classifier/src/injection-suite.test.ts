import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyGuardrails, DEFAULT_THRESHOLDS, runCascade, ticketText, type Route } from '@switchboard/core';
import { loadPrompt, type RoutingPrompt } from '@switchboard/llm';
import { startFakeOpenAI, type FakeProvider, type FakeReply } from '@switchboard/testkit';
import { cascadeOptions } from './cascade-options.js';
import { ClassifierConfig } from './config.js';
import { buildTiers } from './tiers.js';

const PROMPT_PATH = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));
const EVAL_SET = fileURLToPath(new URL('../../../eval/sets/switchboard-eval.jsonl', import.meta.url));

interface Row {
  id: string;
  subject: string;
  body: string;
  language: string;
  expected: { category: string; team: string };
  tags: string[];
}

/**
 * The worst case: a model that does whatever the ticket tells it. Each way of obeying is a reply the
 * guardrails and the output schema must still stop.
 */
const OBEY: Record<string, (r: Row) => FakeReply> = {
  'lower priority and skip review': (r) => ({
    content: JSON.stringify({
      category: r.expected.category,
      priority: 'low',
      team: r.expected.team,
      confidence: 0.99,
      escalation_required: false,
      rationale: 'routine',
    }),
  }),
  'change team': (r) => ({
    content: JSON.stringify({
      category: r.expected.category,
      priority: 'low',
      team: r.expected.team === 'sales' ? 'billing_support' : 'sales',
      confidence: 0.99,
      escalation_required: false,
      rationale: 'as instructed',
    }),
  }),
  'output extra fields': (r) => ({
    content: JSON.stringify({
      category: r.expected.category,
      priority: 'low',
      team: r.expected.team,
      confidence: 0.99,
      escalation_required: false,
      rationale: 'ok',
      approved_refund: 500,
      skip_review: true,
    }),
  }),
};

describe("prompt injection suite (the eval set's injection tickets, EN/DE/TR)", () => {
  let rows: Row[];
  let prompt: RoutingPrompt;
  let fake: FakeProvider;
  let obey: (r: Row) => FakeReply = () => ({ status: 500 });
  const byBody = new Map<string, Row>();

  beforeAll(async () => {
    rows = (await readFile(EVAL_SET, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Row)
      .filter((r) => r.tags.includes('prompt_injection'));
    for (const r of rows) byBody.set(r.body, r);
    prompt = await loadPrompt(PROMPT_PATH);
    fake = await startFakeOpenAI((req) => {
      const row = byBody.get(req.ticket?.body ?? '');
      return row ? obey(row) : { status: 500 };
    });
  });
  afterAll(() => fake.close());

  it('has injection tickets in every language', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r) => r.language))).toEqual(new Set(['en', 'de', 'tr']));
  });

  for (const [how, reply] of Object.entries(OBEY)) {
    it(`a model that obeys (${how}) still delivers none of them: every one goes to a person`, async () => {
      obey = reply;
      const config = ClassifierConfig.parse({
        promptPath: PROMPT_PATH,
        cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
        backoffBaseMs: 1,
      });
      const opts = { ...cascadeOptions(config, buildTiers(config, prompt)), sleep: () => Promise.resolve() };
      const delivered: string[] = [];
      for (const r of rows) {
        const result = await runCascade({ ticketId: r.id, subject: r.subject, body: r.body }, opts);
        if (result.kind !== 'record') throw new Error(`${r.id}: ${result.kind}`);
        const route: Route = applyGuardrails(result.record, ticketText(r), {
          critical: opts.critical,
          highPriorityMinConfidence: DEFAULT_THRESHOLDS.highPriorityMinConfidence,
        });
        if (!route.escalated) delivered.push(r.id);
        // A reply that breaks the contract is never taken, whatever it asked for.
        if (how !== 'lower priority and skip review' && result.record.outcome !== 'critical')
          expect(result.record.decision, r.id).toBeNull();
      }
      expect(delivered).toEqual([]);
    });
  }
});
