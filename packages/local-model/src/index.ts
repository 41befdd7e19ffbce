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
export { LocalModelFile, FORMAT_VERSION } from './model-file.js';
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
  coverageAt,
  macroF1,
  accuracy,
  type ThresholdChoice,
} from './metrics.js';
export { stratifiedSplit, type Split } from './split.js';
