import type { Connector, Team } from '@switchboard/core';
import { ConfigError } from '@switchboard/runtime';
import type { GroupMap } from './env.js';

/** What a write-back worker needs to reach one helpdesk. */
export interface WriteBackConfig {
  connector: Connector;
  baseUrl: string;
  /** The `Authorization` header value (basic for Zendesk, `Token token=` for Zammad). */
  authorization: string;
  groups: GroupMap & { triage: number };
  /** One request's limit: a slow helpdesk is a retry with backoff, not a stuck worker. */
  timeoutMs: number;
}

/** What ingest needs to take one helpdesk's webhooks. */
export interface InboundConfig {
  connector: Connector;
  secret: string;
  groups: GroupMap;
}

interface ZendeskSettings {
  ZENDESK_URL?: string | undefined;
  ZENDESK_EMAIL?: string | undefined;
  ZENDESK_API_TOKEN?: string | undefined;
  ZENDESK_WEBHOOK_SECRET?: string | undefined;
  ZENDESK_GROUPS?: GroupMap | undefined;
}

interface ZammadSettings {
  ZAMMAD_URL?: string | undefined;
  ZAMMAD_TOKEN?: string | undefined;
  ZAMMAD_WEBHOOK_SECRET?: string | undefined;
  ZAMMAD_GROUPS?: GroupMap | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function requireAll(connector: string, present: string, needed: Record<string, unknown>): void {
  const missing = Object.entries(needed)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new ConfigError(`invalid configuration: ${present} is set, so ${connector} also needs ${missing.join(', ')}`);
}

function withTriage(name: string, groups: GroupMap | undefined): GroupMap & { triage: number } {
  if (groups?.triage === undefined)
    throw new ConfigError(`invalid configuration: ${name}: must name the triage group (escalated tickets go there)`);
  return groups as GroupMap & { triage: number };
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Zendesk's write-back, or undefined when ZENDESK_URL is unset (the connector is off). */
export function zendeskWriteBack(env: ZendeskSettings, timeoutMs = DEFAULT_TIMEOUT_MS): WriteBackConfig | undefined {
  if (env.ZENDESK_URL === undefined) {
    if (env.ZENDESK_API_TOKEN !== undefined || env.ZENDESK_EMAIL !== undefined)
      throw new ConfigError('invalid configuration: ZENDESK_EMAIL/ZENDESK_API_TOKEN are set without ZENDESK_URL');
    return undefined;
  }
  requireAll('Zendesk', 'ZENDESK_URL', {
    ZENDESK_EMAIL: env.ZENDESK_EMAIL,
    ZENDESK_API_TOKEN: env.ZENDESK_API_TOKEN,
    ZENDESK_GROUPS: env.ZENDESK_GROUPS,
  });
  // Zendesk's API token auth: basic with `{email}/token` as the user and the token as the password.
  const basic = Buffer.from(`${env.ZENDESK_EMAIL}/token:${env.ZENDESK_API_TOKEN}`).toString('base64');
  return {
    connector: 'zendesk',
    baseUrl: trimSlash(env.ZENDESK_URL),
    authorization: `Basic ${basic}`,
    groups: withTriage('ZENDESK_GROUPS', env.ZENDESK_GROUPS),
    timeoutMs,
  };
}

/** Zammad's write-back, or undefined when ZAMMAD_URL is unset. */
export function zammadWriteBack(env: ZammadSettings, timeoutMs = DEFAULT_TIMEOUT_MS): WriteBackConfig | undefined {
  if (env.ZAMMAD_URL === undefined) {
    if (env.ZAMMAD_TOKEN !== undefined)
      throw new ConfigError('invalid configuration: ZAMMAD_TOKEN is set without ZAMMAD_URL');
    return undefined;
  }
  requireAll('Zammad', 'ZAMMAD_URL', { ZAMMAD_TOKEN: env.ZAMMAD_TOKEN, ZAMMAD_GROUPS: env.ZAMMAD_GROUPS });
  return {
    connector: 'zammad',
    baseUrl: trimSlash(env.ZAMMAD_URL),
    authorization: `Token token=${env.ZAMMAD_TOKEN}`,
    groups: withTriage('ZAMMAD_GROUPS', env.ZAMMAD_GROUPS),
    timeoutMs,
  };
}

/** Zendesk's webhook route, or undefined when ZENDESK_WEBHOOK_SECRET is unset (the route is off). */
export function zendeskInbound(env: ZendeskSettings): InboundConfig | undefined {
  if (env.ZENDESK_WEBHOOK_SECRET === undefined) return undefined;
  requireAll('Zendesk', 'ZENDESK_WEBHOOK_SECRET', { ZENDESK_GROUPS: env.ZENDESK_GROUPS });
  return { connector: 'zendesk', secret: env.ZENDESK_WEBHOOK_SECRET, groups: env.ZENDESK_GROUPS ?? {} };
}

/** Zammad's webhook route, or undefined when ZAMMAD_WEBHOOK_SECRET is unset. */
export function zammadInbound(env: ZammadSettings): InboundConfig | undefined {
  if (env.ZAMMAD_WEBHOOK_SECRET === undefined) return undefined;
  requireAll('Zammad', 'ZAMMAD_WEBHOOK_SECRET', { ZAMMAD_GROUPS: env.ZAMMAD_GROUPS });
  return { connector: 'zammad', secret: env.ZAMMAD_WEBHOOK_SECRET, groups: env.ZAMMAD_GROUPS ?? {} };
}

/** The team a helpdesk group belongs to (the first team mapped to it), if any. */
export function teamOfGroup(groups: GroupMap, groupId: number | undefined): Team | undefined {
  if (groupId === undefined) return undefined;
  const hit = Object.entries(groups).find(([, id]) => id === groupId);
  return hit?.[0] as Team | undefined;
}
