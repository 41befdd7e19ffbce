import { describeLocalModel, REPO_PATHS } from '@switchboard/classifier';
import { loadLocalModel } from '@switchboard/local-model';

/**
 * What `npm start` says about the free tier: which model the classifiers load and how it was fitted,
 * and, for the shipped demo model, that a desk should train its own.
 */
export async function localModelLines(path: string | undefined, probation: boolean): Promise<string> {
  if (path === 'off') return 'Local model: off (LOCAL_MODEL_PATH=off).';
  const file = path ?? REPO_PATHS.localModel;
  const model = await loadLocalModel(file);
  const lines = [
    `Local model (${file}): ${describeLocalModel(model.meta)}.`,
    // The classifiers run the registry's champion: this file only when it is new there or the registry is empty.
    '  It is stored in the model registry in Redis; if the registry already has it and another champion was promoted',
    '  since (or rolled back to), that champion stays: `npm run ops -- model list` shows which runs.',
  ];
  lines.push(
    probation
      ? "  On probation (LOCAL_PROBATION): the local tier records its answers and decides nothing until the nightly retrain\n  shows on your people's labels that it is as accurate as the tier promises, or `npm run ops -- model vet <version>`."
      : file === REPO_PATHS.localModel
        ? "  It decides from the start here (LOCAL_PROBATION=false): the demo's tickets are the desk it was trained on.\n  On your own desk leave LOCAL_PROBATION unset, so it proves itself on your people's labels first."
        : '  It decides from the start (LOCAL_PROBATION=false).',
  );
  if (file === REPO_PATHS.localModel)
    lines.push(
      "  It is the shipped demo model, trained on the project's own sample tickets, not on yours: on another desk's text it",
      "  turns away what it does not recognise and takes little. Train it on your desk's export:",
      '    npm run ops -- train --data exports/tickets.csv --out models/local-desk.json',
      '    LOCAL_MODEL_PATH=models/local-desk.json npm start',
    );
  return lines.join('\n');
}
