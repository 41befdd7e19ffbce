import { z } from 'zod';
import { Team } from '@switchboard/core';
import { envFragment, jsonOf } from '@switchboard/runtime';

/** A helpdesk group id: both products number their groups. */
const GroupId = z.number().int().positive();

/** Team → helpdesk group id; `triage` is where escalated tickets go. */
export const GroupMap = z.partialRecord(Team, GroupId);
export type GroupMap = z.infer<typeof GroupMap>;

const groupsJson = (product: string) =>
  jsonOf(GroupMap)
    .optional()
    .describe(
      `JSON {"billing_support": 360001, …, "triage": 360009}: the ${product} group id of each team; \`triage\` takes escalated tickets.`,
    );

/**
 * Zendesk, both ways. Ingest reads the webhook secret and the groups (an agent's group is mapped back
 * to a team); escalation and the review desk read the REST settings. Unset, the connector is off.
 */
export const zendeskEnv = envFragment('connectors', 'zendesk', {
  ZENDESK_URL: z
    .url()
    .optional()
    .describe('Base URL of the Zendesk account (`https://acme.zendesk.com`); set, decisions are written back.'),
  ZENDESK_EMAIL: z.email().optional().describe('The agent whose API token writes back (basic `email/token:token`).'),
  ZENDESK_API_TOKEN: z.string().min(1).optional().describe('Zendesk API token of `ZENDESK_EMAIL`.'),
  ZENDESK_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      "The Zendesk webhook's signing secret; set, ingest accepts `POST /v1/connectors/zendesk/events` signed with it.",
    ),
  ZENDESK_GROUPS: groupsJson('Zendesk'),
});

/** Zammad, both ways; read as `zendeskEnv` is. Unset, the connector is off. */
export const zammadEnv = envFragment('connectors', 'zammad', {
  ZAMMAD_URL: z
    .url()
    .optional()
    .describe('Base URL of the Zammad instance (`https://desk.example.com`); set, decisions are written back.'),
  ZAMMAD_TOKEN: z.string().min(1).optional().describe('Zammad API token (sent as `Authorization: Token token=…`).'),
  ZAMMAD_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      "The Zammad webhook's HMAC-SHA1 signature token; set, ingest accepts `POST /v1/connectors/zammad/events` signed with it.",
    ),
  ZAMMAD_GROUPS: groupsJson('Zammad'),
});
