import {
  parseLocalModel,
  trainLocalModel,
  type LabelledTicket,
  type LocalModel,
  type TrainOptions,
} from '@switchboard/local-model';
import { compareModels, vetModel, type Comparison, type TakeRule } from './compare.js';
import { holdBack, unseenPeople, type HoldBackRule } from './holdout.js';
import { isPeople, trainingSet, type LabelSourceName, type StoredLabel } from './training-set.js';

/** The parts of the training store retraining reads. */
export interface LabelSource {
  rows(): Promise<StoredLabel[]>;
}

/** The parts of the model registry retraining uses. */
export interface ModelStore {
  current(): Promise<{ version: string; json: string } | null>;
  add(version: string, json: string, info: { trainedAt: string; source: 'retrain'; note?: string }): Promise<unknown>;
  promote(version: string, by: 'retrain', reason: string): Promise<void>;
  reject(version: string, reason: string): Promise<void>;
  vet(version: string, by: 'retrain', why: string): Promise<boolean>;
  isVetted(version: string): Promise<boolean>;
}

export interface RetrainSettings extends TakeRule {
  /** The local tier's accuracy target: taking a ticket is worth it at this accuracy or better. */
  target: number;
  /** Routed accuracy (points) a challenger may lose against the champion at 95% confidence; see `DEFAULT_MARGIN_POINTS`. */
  marginPoints?: number | undefined;
  holdBack: HoldBackRule;
  /** Fewer labelled rows of the desk's own than this: nothing to learn from yet. */
  minOwnRows: number;
  seed: number;
}

export type RetrainOutcome =
  | { kind: 'no_data'; ownRows: number; message: string }
  | { kind: 'not_enough_labels'; eligible: number; needed: number; message: string }
  | {
      kind: 'promoted' | 'rejected';
      version: string;
      champion: string | null;
      comparison: Comparison;
      trainingRows: Record<LabelSourceName | 'seed', number>;
      /** A model this run found as accurate as the tier promises on people's labels: its probation ended. */
      vetted: { version: string; why: string } | null;
      /** The champion after this run is still on probation: what its judging showed. */
      onProbation: { version: string; why: string } | null;
      /** The live guard had switched the local tier off for the old champion; the vetted new one ended it. */
      resumed: boolean;
      /** What the temperature and the out-of-domain gate were fitted on, and how many rows. */
      calibration: { on: 'people' | 'every source'; rows: number };
      trainSeconds: number;
      fileBytes: number;
      message: string;
    };

const countBy = (rows: readonly StoredLabel[], seed: number): Record<LabelSourceName | 'seed', number> => {
  const out = { human: 0, feedback: 0, strong: 0, cheap_confirmed: 0, cheap: 0, seed };
  for (const r of rows) out[r.source]++;
  return out;
};

/**
 * People's labels to calibrate on, once there are enough: the machine labels are partly wrong (a
 * cheap model about 1 in 8), and a temperature fitted on them leaves the model under-confident, so
 * it keeps fewer tickets than it could at the target. Half of them are the calibration split (the
 * model is refitted on every row afterwards, so they are not lost to fitting). Too few: every row.
 */
export const CALIBRATION = { minPeopleRows: 120, fraction: 0.5 } as const;

function calibrationOn(train: readonly StoredLabel[]): Pick<TrainOptions, 'calibrateOn' | 'calibrationFraction'> {
  const people = new Set(train.filter(isPeople).map((r) => r.ticketId));
  if (people.size < CALIBRATION.minPeopleRows) return {};
  return { calibrateOn: (r) => r.id !== undefined && people.has(r.id), calibrationFraction: CALIBRATION.fraction };
}

/**
 * One retrain: a challenger trained on the desk's stored labels (weighted by source) and the seed
 * set (weighted down as the desk's data grows), with its own calibration, thresholds and
 * out-of-domain gate; judged against the champion on recent human labels neither was trained on;
 * promoted in the registry only when it is not worse, else kept as a rejected candidate with the
 * reason. The champion is never touched unless the challenger wins, so a failed run leaves the fleet
 * with its model.
 */
export async function runRetrain(
  deps: {
    labels: LabelSource;
    models: ModelStore;
    seed: readonly LabelledTicket[];
    /** The local tier's switch: a vetted new champion ends a switch the live guard set for the old one. */
    localSwitch?: { resumeAfterGuard(reason: string, at: Date): Promise<boolean> };
    now?: () => Date;
  },
  settings: RetrainSettings,
): Promise<RetrainOutcome> {
  const now = deps.now ?? (() => new Date());
  const rows = await deps.labels.rows();
  if (rows.length < settings.minOwnRows)
    return {
      kind: 'no_data',
      ownRows: rows.length,
      message: `the training store holds ${rows.length} labelled tickets; retraining starts at ${settings.minOwnRows}`,
    };
  const current = await deps.models.current();
  const champion: LocalModel | null = current ? parseLocalModel(current.json, `registry ${current.version}`) : null;
  const { held, train, eligible } = holdBack(rows, champion, settings.holdBack);
  if (held.length === 0) {
    const needed = settings.holdBack.min - eligible;
    return {
      kind: 'not_enough_labels',
      eligible,
      needed,
      message: `${eligible} human or feedback labels in the judging slice (${Math.round(settings.holdBack.share * 100)}% of people's labels, never trained on); ${needed} more are needed to judge a new model, about ${Math.ceil(needed / settings.holdBack.share)} more labels from people`,
    };
  }
  const started = performance.now();
  const calibrate = calibrationOn(train);
  const { file, model, metrics } = trainLocalModel(trainingSet(train, deps.seed), {
    seed: settings.seed,
    trainedAt: now(),
    ...calibrate,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const json = JSON.stringify(file);
  const version = model.meta.modelVersion;
  if (version === current?.version)
    return {
      kind: 'no_data',
      ownRows: rows.length,
      message: `the challenger came out identical to ${version} (same training data): nothing to promote`,
    };
  await deps.models.add(version, json, {
    trainedAt: model.meta.trainedAt,
    source: 'retrain',
    note: `${train.length} desk rows`,
  });
  const base = {
    version,
    champion: current?.version ?? null,
    trainingRows: countBy(train, deps.seed.length),
    calibration: {
      on: calibrate.calibrateOn ? ('people' as const) : ('every source' as const),
      rows: metrics.calibrationRows,
    },
    trainSeconds,
    fileBytes: metrics.fileBytes,
  };
  // Probation (see the local tier): a model is vetted once it has shown, on this desk's own people's
  // labels it never saw, the accuracy the tier promises where it keeps tickets. For the challenger
  // that is the judging slice; for a champion, also every label that came in after it was trained.
  type Probation = {
    vetted: { version: string; why: string } | null;
    onProbation: { version: string; why: string } | null;
  };
  const judgeProbation = async (m: LocalModel, v: string): Promise<Probation> => {
    const vetting = vetModel(m, unseenPeople(rows, m, settings.holdBack), settings);
    if (!vetting.vetted) return { vetted: null, onProbation: { version: v, why: vetting.why } };
    // Already vetted (a person, or another run, got there first): nothing changed, and it is off probation.
    const now = await deps.models.vet(v, 'retrain', vetting.why);
    return { vetted: now ? { version: v, why: vetting.why } : null, onProbation: null };
  };
  const comparison = compareModels(champion, model, held, settings);
  if (!champion || comparison.verdict === 'not_worse') {
    const { vetted, onProbation } = await judgeProbation(model, version);
    const why = champion ? comparison.why : 'no model in the registry';
    await deps.models.promote(version, 'retrain', why);
    // The guard judged the model it replaced; this one is vetted on the desk's labels and is judged afresh.
    const resumed = vetted
      ? ((await deps.localSwitch?.resumeAfterGuard(`${version} promoted and vetted: ${vetted.why}`, now())) ?? false)
      : false;
    return {
      kind: 'promoted',
      ...base,
      comparison,
      vetted,
      onProbation,
      resumed,
      message: `${version} promoted${current ? ` over ${current.version}` : ''}: ${why}${probationNote(vetted, onProbation)}${resumed ? '. The local tier, switched off by the live guard for the model it replaces, is back on' : ''}`,
    };
  }
  await deps.models.reject(version, comparison.why);
  // The champion may still be on probation: the labels it has not seen, tonight's too, can end it.
  const { vetted, onProbation }: Probation =
    current && champion && !(await deps.models.isVetted(current.version))
      ? await judgeProbation(champion, current.version)
      : { vetted: null, onProbation: null };
  return {
    kind: 'rejected',
    ...base,
    comparison,
    vetted,
    onProbation,
    resumed: false,
    message: `${version} rejected; ${current?.version} stays: ${comparison.why}${probationNote(vetted, onProbation)}`,
  };
}

const probationNote = (
  vetted: { version: string; why: string } | null,
  still: { version: string; why: string } | null,
): string =>
  vetted
    ? `. ${vetted.version} is off probation: ${vetted.why}`
    : still
      ? `. ${still.version} stays on probation: ${still.why}`
      : '';
