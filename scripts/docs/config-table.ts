import { settingDoc, type AppEnv } from '@switchboard/runtime';
import { APP_ENVS } from './app-envs.js';

export const CONFIG_START = '<!-- generated:config:start -->';
export const CONFIG_END = '<!-- generated:config:end -->';

export interface SettingRow {
  variable: string;
  /** The package (or app) that declares it: `owner/fragment`. */
  declaredBy: string[];
  owner: string;
  apps: string[];
  defaults: Map<string, string>;
  description: string | undefined;
}

const show = (v: unknown): string =>
  typeof v === 'string'
    ? v === ''
      ? '(empty)'
      : `\`${v}\``
    : typeof v === 'object'
      ? `\`${JSON.stringify(v)}\``
      : String(v);

/** An unset variable's value in one app: what its schema parses `undefined` to, else the documented default. */
function defaultIn(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return 'required';
  if (parsed.data !== undefined) return show(parsed.data);
  const doc = settingDoc(schema);
  if (!('default' in doc)) return '—';
  // A documented default in words ("built-in list") is prose, not a value to type.
  return typeof doc.default === 'string' && doc.default.includes(' ') ? doc.default : show(doc.default);
}

/** One row per variable, in the order owners declare them. */
export function settingRows(apps: readonly AppEnv[] = APP_ENVS): SettingRow[] {
  const rows = new Map<string, SettingRow>();
  for (const app of apps) {
    for (const fragment of app.fragments) {
      for (const [variable, schema] of Object.entries(fragment.shape)) {
        const by = `${fragment.owner}/${fragment.name}`;
        const row = rows.get(variable) ?? {
          variable,
          declaredBy: [],
          owner: fragment.owner,
          apps: [],
          defaults: new Map<string, string>(),
          description: settingDoc(schema).description,
        };
        if (!row.declaredBy.includes(by)) row.declaredBy.push(by);
        if (!row.apps.includes(app.app)) row.apps.push(app.app);
        row.defaults.set(app.app, defaultIn(schema as never));
        rows.set(variable, row);
      }
    }
  }
  const owners = [...new Set([...rows.values()].map((r) => r.owner))];
  return [...rows.values()].sort((a, b) => owners.indexOf(a.owner) - owners.indexOf(b.owner));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultCell(row: SettingRow): string {
  const values = [...new Set(row.defaults.values())];
  if (values.length === 1) return values[0] ?? '—';
  return [...row.defaults].map(([app, v]) => `${v} (${app})`).join(', ');
}

/** The configuration reference table, generated from the fragments every app composes. */
export function configTable(apps: readonly AppEnv[] = APP_ENVS): string {
  const lines = [
    '| variable | owner | read by | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...settingRows(apps).map(
      (r) =>
        `| \`${r.variable}\` | ${r.owner} | ${r.apps.join(', ')} | ${cell(defaultCell(r))} | ${cell(r.description ?? '')} |`,
    ),
  ];
  return lines.join('\n');
}

/** `doc` with the text between the config markers replaced by the current table. */
export function withConfigTable(doc: string, table: string = configTable()): string {
  const start = doc.indexOf(CONFIG_START);
  const end = doc.indexOf(CONFIG_END);
  if (start < 0 || end < start) throw new Error(`the document has no ${CONFIG_START} … ${CONFIG_END} section`);
  return `${doc.slice(0, start + CONFIG_START.length)}\n${table}\n${doc.slice(end)}`;
}
