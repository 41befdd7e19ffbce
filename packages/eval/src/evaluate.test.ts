import { describe, expect, it } from 'vitest';
import { buildTiers, ClassifierConfig, openFileModel, REPO_PATHS } from '@switchboard/classifier';
import { DEFAULT_ROUTING_TABLE } from '@switchboard/core';
import { loadPrompt } from '@switchboard/llm';
import { readEvalSet } from './eval-set.js';
import { evaluate } from './evaluate.js';
import { htmlReport } from './report-html.js';
import { textReport } from './report-text.js';

/** The shipped model in the cascade as the weekly eval runs it: rule then local, no paid tier. */
async function run(vetted: boolean) {
  const config = ClassifierConfig.parse({ promptPath: REPO_PATHS.prompt, local: { modelPath: REPO_PATHS.localModel } });
  const model = await openFileModel(REPO_PATHS.localModel);
  const tiers = buildTiers(config, await loadPrompt(REPO_PATHS.prompt), model.current, () => vetted);
  const set = await readEvalSet(REPO_PATHS.evalSet, DEFAULT_ROUTING_TABLE);
  return evaluate({ set, config, tiers, concurrency: 4 });
}

describe('an eval run says why the local tier decided nothing', () => {
  it('counts the tickets it passed on while its model is on probation, and says so in the reports', async () => {
    const { run: probation } = await run(false);
    expect(probation.metrics.tierShare.local).toBe(0);
    // Every ticket the critical check and the rule tier leave reaches the local tier, which passes it on.
    const m = probation.metrics;
    const critical = (m.rows - m.scored) / m.rows;
    expect(m.localPassedOn.probation).toBeGreaterThan(0.5);
    expect(m.localPassedOn.probation + m.localPassedOn.outOfDomain + m.tierShare.rule + critical).toBeCloseTo(1, 10);
    expect(textReport('eval', m)).toMatch(
      /local tier passed on\s+\d+\.\d% on probation \(its model is not yet vetted on this desk’s labels/,
    );
    expect(htmlReport('eval', probation.metrics, {})).toContain('not yet vetted on this desk’s labels');

    const { run: vetted } = await run(true);
    expect(vetted.metrics.tierShare.local).toBeGreaterThan(0.1);
    expect(vetted.metrics.localPassedOn.probation).toBe(0);
    expect(textReport('eval', vetted.metrics)).not.toMatch(/on probation/);
  });
});
