import { envFragment, jsonOf } from '@switchboard/runtime';
import { GateConfig } from './gate.js';

/** What the pilot report's gate requires; ingest (GET /v1/pilot), drift's weekly report and ops read it. */
export const pilotEnv = envFragment('pilot', 'gates', {
  PILOT_GATES: jsonOf(GateConfig)
    .optional()
    .describe('JSON: what the pilot gate requires to leave each stage, e.g. {"5": {"minFeedback": 300, …}}.')
    .meta({ default: 'built-in gates' }),
});
