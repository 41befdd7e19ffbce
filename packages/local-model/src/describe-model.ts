import type { LocalModelMeta } from './types.js';

/**
 * One line for start-up output: which model is active and how it was fitted, so an operator sees
 * at a glance whether the desk runs its own model or the shipped default, and how wary it is.
 */
export function describeLocalModel(meta: LocalModelMeta): string {
  const gate = meta.outOfDomain;
  const fitted =
    gate.rejectShare === null
      ? `no fitted out-of-domain gate (formatVersion ${meta.formatVersion} file: default gate, coverage ≥ ${gate.coverageCut}; retrain with \`ops train\`)`
      : `out-of-domain gate fitted on ${gate.calibrationRows} held-out tickets (turns away ${(gate.rejectShare * 100).toFixed(0)}% of them; coverage ≥ ${gate.coverageCut.toFixed(2)}, energy ≥ ${gate.energyCut.toFixed(2)})`;
  const temperature = meta.metrics['category.temperature'];
  return (
    `local model ${meta.modelVersion}: trained ${meta.trainedAt.slice(0, 10)} on ${meta.trainingRows} tickets` +
    (temperature === undefined ? '' : `, temperature ${temperature.toFixed(2)}`) +
    `; ${fitted}`
  );
}
