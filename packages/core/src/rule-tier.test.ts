import { describe, expect, it } from 'vitest';
import { createRuleTier, DEFAULT_HOTWORDS } from './rule-tier.js';
import { DEFAULT_ROUTING_TABLE } from './taxonomy.js';
import type { TierInput } from './tier.js';
import { createKeywordMatcher } from './keywords.js';
import { ticketText } from './cascade.js';

const input = (body: string, subject = ''): TierInput => ({ ticketId: 't-1', subject, body });
const tier = createRuleTier(DEFAULT_HOTWORDS, DEFAULT_ROUTING_TABLE);

describe('createRuleTier', () => {
  it('is a free, non-model tier that is always sure of itself', () => {
    expect(tier).toMatchObject({ name: 'rule', isModel: false, threshold: 1, promptVersion: null });
  });

  it.each([
    ['I want a refund for last month', 'refund'],
    ['We filed a CHARGEBACK with our bank', 'chargeback'],
    ['give me my money\n  back please', 'money back'],
  ])('routes a hotword to billing with confidence 1: %j', async (body, word) => {
    expect(await tier.classify(input(body))).toEqual({
      kind: 'answer',
      decision: {
        category: 'billing',
        priority: 'medium',
        team: 'billing_support',
        confidence: 1,
        escalation_required: false,
        rationale: `hotword: ${word}`,
      },
      raw: null,
      model: null,
      usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
    });
  });

  it('finds a hotword in the subject', async () => {
    const result = await tier.classify(input('see subject', 'Refund request #123'));
    expect(result.kind).toBe('answer');
  });

  it.each(['How do I export my data?', 'refundable deposit question', 'the moneyback guarantee page'])(
    'abstains when no hotword is a whole word: %j',
    async (body) => {
      expect(await tier.classify(input(body))).toEqual({ kind: 'abstain' });
    },
  );

  it('uses the configured hotwords and routing table', async () => {
    const custom = createRuleTier(['erstattung'], { ...DEFAULT_ROUTING_TABLE, billing: 'account_ops' });
    const result = await custom.classify(input('Bitte um Erstattung'));
    expect(result.kind === 'answer' && result.decision.team).toBe('account_ops');
    expect(await custom.classify(input('I want a refund'))).toEqual({ kind: 'abstain' });
  });

  it('keeps the rationale within the 80-character contract for a long hotword', async () => {
    const long = 'a'.repeat(100);
    const result = await createRuleTier([long], DEFAULT_ROUTING_TABLE).classify(input(long));
    expect(result.kind === 'answer' && result.decision.rationale.length).toBe(80);
  });
});

describe('subject and body are separate texts', () => {
  it('does not read a phrase across the subject/body boundary', async () => {
    const tier = createRuleTier(['money back'], DEFAULT_ROUTING_TABLE);
    const joined = await tier.classify({
      ticketId: 'x',
      subject: 'Where is my money',
      body: 'Back in March I asked about invoices.',
    });
    expect(joined.kind).toBe('abstain');
    const critical = createKeywordMatcher(['production down']);
    expect(
      critical.first(ticketText({ subject: 'Staging vs production', body: 'Down payment options?' })),
    ).toBeUndefined();
    expect(critical.first(ticketText({ subject: 'Help', body: 'production  down since 9' }))).toBe('production down');
  });
});
