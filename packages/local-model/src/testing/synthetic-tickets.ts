import type { Category, Priority } from '@switchboard/core';
import { createRng } from '../rng.js';
import type { LabelledTicket } from '../types.js';

/** Fine labels with the category they sum into and words typical of them. */
const INTENTS: { fine: string; category: Category; words: string[] }[] = [
  { fine: 'refund', category: 'billing', words: ['refund', 'charged', 'twice', 'invoice', 'money'] },
  { fine: 'invoice_copy', category: 'billing', words: ['invoice', 'copy', 'receipt', 'vat', 'statement'] },
  { fine: 'login', category: 'technical', words: ['login', 'password', 'reset', 'locked', 'account'] },
  { fine: 'outage', category: 'technical', words: ['down', 'outage', 'server', 'error', 'timeout'] },
  { fine: 'pricing', category: 'sales', words: ['pricing', 'quote', 'enterprise', 'plan', 'demo'] },
  { fine: 'crash', category: 'bug', words: ['crash', 'stack', 'trace', 'broken', 'regression'] },
  { fine: 'close_account', category: 'cancellation', words: ['cancel', 'close', 'terminate', 'subscription', 'leave'] },
  { fine: 'feedback', category: 'other', words: ['feedback', 'thanks', 'suggestion', 'idea', 'compliment'] },
];
const FILLER = [
  'hello',
  'please',
  'team',
  'today',
  'my',
  'the',
  'we',
  'our',
  'help',
  'hallo',
  'bitte',
  'danke',
  'kunde',
];
const PRIORITIES: Priority[] = ['low', 'medium', 'high'];

/**
 * Small, seeded, learnable tickets: each mixes words of its intent with filler and, with
 * probability `noise`, words of another intent, so the model is sure of some and unsure of others.
 */
export function syntheticTickets(n: number, seed: number, noise = 0.3): LabelledTicket[] {
  const rand = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const intent = INTENTS[i % INTENTS.length] as (typeof INTENTS)[number];
    const other = pick(INTENTS);
    const words: string[] = [];
    for (let w = 0; w < 12; w++) {
      const r = rand();
      words.push(r < 0.35 ? pick(intent.words) : r < 0.35 + noise ? pick(other.words) : pick(FILLER));
    }
    const priority: Priority = intent.fine === 'outage' ? 'high' : pick(PRIORITIES);
    return {
      subject: `${pick(intent.words)} ${pick(FILLER)}`,
      body: `${words.join(' ')}. Order 12345.`,
      category: intent.category,
      fineLabel: intent.fine,
      priority,
      language: i % 3 === 0 ? 'de' : 'en',
    };
  });
}
