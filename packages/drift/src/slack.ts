import { WebClient } from '@slack/web-api';

export interface SlackSettings {
  token: string;
  /** Slack's Web API base URL; another one (a proxy, a test server) is one setting away. */
  apiUrl?: string | undefined;
  timeoutMs?: number;
}

export type PostMessage = (channel: string, text: string) => Promise<void>;

/**
 * Posts through the official SDK. The SDK's own retries are off: the alerts queue retries with
 * backoff and dead-letters, so retries live in one layer and a Slack outage blocks nothing.
 */
export function slackPoster(s: SlackSettings): PostMessage {
  const client = new WebClient(s.token, {
    slackApiUrl: s.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: s.timeoutMs ?? 10_000,
  });
  return async (channel, text) => {
    await client.chat.postMessage({ channel, text, mrkdwn: true, unfurl_links: false });
  };
}
