export type { LabelledTicket, LocalPrediction, LocalModelMeta, LocalModel, ModelThreshold } from './types.js';
export {
  trainLocalModel,
  type TrainOptions,
  type TrainResult,
  type TrainMetrics,
  type HeadMetrics,
  type FitSetting,
} from './train.js';
export { saveLocalModel, loadLocalModel, parseLocalModel } from './persist.js';
export { describeLocalModel } from './describe-model.js';
export { LocalModelFile, LocalModelFileV1, FORMAT_VERSION, READABLE_FORMAT_VERSIONS } from './model-file.js';
export { DEFAULT_REJECT_SHARE, LEGACY_GATE, type DomainGate } from './domain-gate.js';
export { MIN_TEMPERATURE } from './temperature.js';
export {
  findTrainingOverlap,
  isTrainingRow,
  normaliseTicketText,
  trainingRowHashes,
  type TrainingOverlap,
  type TrainingRowHashes,
} from './row-hashes.js';
export { LocalModelFileError, LabelledDataError } from './errors.js';
export {
  readLabelledTickets,
  parseLabelledTickets,
  parseLabelledJsonl,
  parseLabelledCsv,
  type ParsedLabelledTickets,
} from './labelled-tickets.js';
export {
  expectedCalibrationError,
  chooseThreshold,
  chooseCalibratedThreshold,
  chooseGuardedThreshold,
  MIN_THRESHOLD,
  MIN_ERRORS_TO_TAKE_ALL,
  wilsonLower,
  coverageAt,
  macroF1,
  accuracy,
  type ThresholdChoice,
} from './metrics.js';
export { stratifiedSplit, type Split } from './split.js';
