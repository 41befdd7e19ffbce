import { createHash } from 'node:crypto';
import {
  decisionJson,
  startFakeOpenAI,
  type FakeProvider,
  type FakeReply,
  type SeenRequest,
} from '@switchboard/testkit';

export const CHEAP_MODEL = 'gpt-4o-mini';
export const STRONG_MODEL = 'claude-opus-4-7';

export interface FakeModelsOptions {
  cheapDelayMs: number;
  strongDelayMs: number;
  /** Share of model tickets the cheap tier is unsure of, so they fall through to strong. */
  strongShare: number;
  /** Requests per second the cheap model allows; above it, 429 with Retry-After. Absent: unlimited. */
  cheapLimitPerSecond?: number;
}

export interface FakeModels {
  provider: FakeProvider;
  counts: { cheap: number; strong: number; rateLimited: number; perSecondOk: Map<number, number> };
  close(): Promise<void>;
}

/** Stable per ticket text, so a retried ticket falls through the same way every time. */
function bucket(req: SeenRequest): number {
  const text = `${req.ticket?.subject ?? ''}\n${req.ticket?.body ?? ''}`;
  return createHash('sha1').update(text).digest().readUInt16BE(0) / 65_536;
}

// Roughly 4 characters a token, the usual rule for English: cost then scales with ticket length.
const promptTokens = (req: SeenRequest): number =>
  Math.ceil(req.messages.reduce((s, m) => s + m.content.length, 0) / 4);

/** The loopback provider answering both paid tiers with the latency, fall-through and limit asked for. */
export async function startFakeModels(opts: FakeModelsOptions): Promise<FakeModels> {
  const counts = { cheap: 0, strong: 0, rateLimited: 0, perSecondOk: new Map<number, number>() };
  let window = { second: 0, used: 0 };
  const answer = (confidence: number, delayMs: number, req: SeenRequest): FakeReply => ({
    content: decisionJson({ category: 'technical', priority: 'medium', team: 'tech_support', confidence }),
    delayMs,
    usage: { prompt_tokens: promptTokens(req), completion_tokens: 40 },
  });
  const provider = await startFakeOpenAI((req) => {
    const second = Math.floor(Date.now() / 1000);
    if (req.model === STRONG_MODEL) {
      counts.strong++;
      return answer(0.9, opts.strongDelayMs, req);
    }
    if (opts.cheapLimitPerSecond !== undefined) {
      if (window.second !== second) window = { second, used: 0 };
      if (window.used >= opts.cheapLimitPerSecond) {
        counts.rateLimited++;
        return { status: 429, headers: { 'retry-after': '1' } };
      }
      window.used++;
    }
    counts.cheap++;
    counts.perSecondOk.set(second, (counts.perSecondOk.get(second) ?? 0) + 1);
    return answer(bucket(req) < opts.strongShare ? 0.5 : 0.9, opts.cheapDelayMs, req);
  });
  // The fake keeps every request it saw; a 20,000-ticket run must not hold them all.
  const trim = setInterval(() => provider.calls.splice(0), 1_000);
  return {
    provider,
    counts,
    async close() {
      clearInterval(trim);
      await provider.close();
    },
  };
}
