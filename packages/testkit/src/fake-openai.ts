import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One chat-completions request as the fake provider saw it. */
export interface SeenRequest {
  model: string;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
  /** The ticket the classifier sent, decoded from the <ticket> block of the last message. */
  ticket: { subject?: string; body?: string } | undefined;
  headers: IncomingMessage['headers'];
}

/** What the fake answers: a model reply (`content`), or an HTTP error, optionally after a delay. */
export type FakeReply =
  | {
      content: string;
      delayMs?: number;
      finishReason?: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { hang: true };

export type FakeResponder = (req: SeenRequest, callIndex: number) => FakeReply;

export interface FakeProvider {
  url: string;
  calls: SeenRequest[];
  setResponder(r: FakeResponder): void;
  close(): Promise<void>;
}

const TICKET_BLOCK = /<ticket>\n([\s\S]*?)\n<\/ticket>/;

function decodeTicket(messages: SeenRequest['messages']): SeenRequest['ticket'] {
  const last = messages.at(-1)?.content ?? '';
  const m = TICKET_BLOCK.exec(last);
  if (!m?.[1]) return undefined;
  try {
    return JSON.parse(m[1]) as SeenRequest['ticket'];
  } catch {
    return undefined;
  }
}

export const decisionJson = (d: {
  category: string;
  priority: string;
  team: string;
  confidence: number;
  escalation_required?: boolean;
  rationale?: string;
}): string => JSON.stringify({ escalation_required: false, rationale: 'test', ...d });

/**
 * A real HTTP server on loopback speaking the OpenAI chat-completions protocol, so the real `openai`
 * client is exercised end to end: headers, status codes, timeouts and all.
 */
export async function startFakeOpenAI(responder: FakeResponder): Promise<FakeProvider> {
  let current = responder;
  const calls: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const messages = (body.messages ?? []) as SeenRequest['messages'];
      const seen: SeenRequest = {
        model: String(body.model),
        messages,
        body,
        ticket: decodeTicket(messages),
        headers: req.headers,
      };
      calls.push(seen);
      const reply = current(seen, calls.length - 1);
      if ('hang' in reply) return;
      const send = (): void => {
        if ('status' in reply) {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body ?? JSON.stringify({ error: { message: `fake error ${reply.status}`, type: 'fake' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${calls.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: seen.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: reply.content },
                finish_reason: reply.finishReason ?? 'stop',
              },
            ],
            usage: { ...(reply.usage ?? { prompt_tokens: 400, completion_tokens: 40 }), total_tokens: 0 },
          }),
        );
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    setResponder: (r) => {
      current = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
