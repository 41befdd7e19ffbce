import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTiers, ClassifierConfig } from '@switchboard/classifier';
import {
  DEFAULT_CRITICAL_KEYWORDS,
  DEFAULT_ROUTING_TABLE,
  createKeywordMatcher,
  ticketText,
  type Category,
} from '@switchboard/core';
import { evaluate, parseEvalRows, readEvalSet, type EvalRow, type Evaluation } from '@switchboard/eval';
import { loadPrompt } from '@switchboard/llm';
import { decisionJson, startFakeOpenAI, type FakeProvider } from '@switchboard/testkit';

const PROMPT = fileURLToPath(new URL('../../../../prompts/routing_prompt.txt', import.meta.url));
const PROJECT_SET = fileURLToPath(new URL('../../../../eval/sets/switchboard-eval.jsonl', import.meta.url));
export const CHEAP = 'gpt-4o-mini';
export const STRONG = 'claude-opus-4-7';

/**
 * A provider that knows the right answer to every eval ticket and can be told to get some wrong:
 * `degrade(n)` makes the cheap model misroute n tickets, which is an exact drop of n / scored.
 */
export interface DriftRig {
  dir: string;
  setPath: string;
  rows: EvalRow[];
  fake: FakeProvider;
  config: ClassifierConfig;
  degrade(n: number): void;
  /** While on, the cheap model answers 503 to everything. */
  outage(on: boolean): void;
  evaluateCheap(): Promise<Evaluation>;
  close(): Promise<void>;
}

const wrongFor = (c: Category): Category => (c === 'billing' ? 'technical' : 'billing');

export async function startDriftRig(rowCount: number): Promise<DriftRig> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-drift-'));
  const critical = createKeywordMatcher(DEFAULT_CRITICAL_KEYWORDS);
  const all = parseEvalRows(await readFile(PROJECT_SET, 'utf8'), PROJECT_SET);
  const rows = all.filter((r) => critical.first(ticketText(r)) === undefined).slice(0, rowCount);
  const setPath = join(dir, 'set.jsonl');
  await writeFile(setPath, rows.map((r) => JSON.stringify(r)).join('\n'));
  const byBody = new Map(rows.map((r) => [r.body, r]));
  let wrong = new Set<string>();
  let down = false;
  const fake = await startFakeOpenAI((req) => {
    if (down && req.model === CHEAP) return { status: 503 };
    const row = req.ticket?.body ? byBody.get(req.ticket.body) : undefined;
    const expected = row?.expected ?? { category: 'technical' as const, priority: 'low' as const };
    const category = req.model === CHEAP && row && wrong.has(row.id) ? wrongFor(expected.category) : expected.category;
    return {
      content: decisionJson({
        category,
        priority: expected.priority,
        team: DEFAULT_ROUTING_TABLE[category],
        confidence: 0.95,
      }),
    };
  });
  const config = ClassifierConfig.parse({
    promptPath: PROMPT,
    cheap: { baseURL: fake.url, apiKey: 'k', model: CHEAP, threshold: 0.75 },
    strong: { baseURL: fake.url, apiKey: 'k', model: STRONG, threshold: 0.6 },
    backoffBaseMs: 1,
    fallbackPollMs: 50,
    // The outage test takes the provider down on purpose; the checks after it need it back at once.
    circuitBreaker: { failures: 1_000_000 },
  });
  const prompt = await loadPrompt(PROMPT);
  const tiers = buildTiers(config, prompt);
  const set = await readEvalSet(setPath, DEFAULT_ROUTING_TABLE);
  return {
    dir,
    setPath,
    rows,
    fake,
    config,
    degrade(n) {
      wrong = new Set(rows.slice(0, n).map((r) => r.id));
    },
    outage(on) {
      down = on;
    },
    evaluateCheap: () => evaluate({ set, config, tiers: tiers.filter((t) => t.name === 'cheap'), concurrency: 8 }),
    async close() {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
