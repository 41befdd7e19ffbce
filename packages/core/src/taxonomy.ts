import { z } from 'zod';

export const CATEGORIES = ['billing', 'technical', 'sales', 'bug', 'cancellation', 'other'] as const;
export const PRIORITIES = ['low', 'medium', 'high'] as const;
export const TEAMS = ['billing_support', 'tech_support', 'sales', 'core_eng', 'account_ops', 'triage'] as const;

export const Category = z.enum(CATEGORIES);
export const Priority = z.enum(PRIORITIES);
export const Team = z.enum(TEAMS);
export type Category = z.infer<typeof Category>;
export type Priority = z.infer<typeof Priority>;
export type Team = z.infer<typeof Team>;

/** Which team owns a category. Configuration: the model's team is checked against it. */
export const RoutingTable = z.strictObject({
  billing: Team,
  technical: Team,
  sales: Team,
  bug: Team,
  cancellation: Team,
  other: Team,
});
export type RoutingTable = z.infer<typeof RoutingTable>;

export const DEFAULT_ROUTING_TABLE: RoutingTable = {
  billing: 'billing_support',
  technical: 'tech_support',
  sales: 'sales',
  bug: 'core_eng',
  cancellation: 'account_ops',
  other: 'triage',
};

/** Where a ticket goes when nobody can say which team owns it. */
export const FALLBACK_TEAM: Team = 'triage';
