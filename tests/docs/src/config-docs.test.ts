import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_ENVS } from '../../../scripts/docs/app-envs.js';
import { settingRows, withConfigTable } from '../../../scripts/docs/config-table.js';

const CONFIGURATION = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/configuration.md shows the settings as the fragments declare them (run `pnpm run docs`)', () => {
    const committed = readFileSync(CONFIGURATION, 'utf8');
    expect(committed).toBe(withConfigTable(committed));
  });

  it('declares each variable in exactly one fragment', () => {
    const twice = settingRows()
      .filter((r) => r.declaredBy.length > 1)
      .map((r) => `${r.variable}: ${r.declaredBy.join(', ')}`);
    expect(twice).toEqual([]);
  });

  it('describes every setting', () => {
    expect(
      settingRows()
        .filter((r) => !r.description?.trim())
        .map((r) => r.variable),
    ).toEqual([]);
  });

  it('lists every app that has an environment', () => {
    expect(APP_ENVS.map((a) => a.app).sort()).toEqual(
      ['classifier', 'dashboard', 'drift', 'escalation', 'fleet', 'ingest', 'ops', 'review-desk'].sort(),
    );
  });
});
