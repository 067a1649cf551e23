// Plugins that fail on purpose, for the CLI's fault tests (loaded with --plugin). Each is the GMM
// under another name, with moduleUrl pointing here so that worker threads load it too.
import { isMainThread } from 'node:worker_threads';
import { gmmPlugin } from '@emkit/gmm';

/** Kills its worker thread in the E-step (on the main thread it works). */
export const exitsOnWorker = {
  ...gmmPlugin,
  name: 'exits-on-worker',
  moduleUrl: import.meta.url,
  eStep(params, data, range, stats) {
    if (!isMainThread) process.exit(3);
    return gmmPlugin.eStep(params, data, range, stats);
  },
};

/** Throws a plain Error in every E-step, on a worker or not. */
export const throwsInEStep = {
  ...gmmPlugin,
  name: 'throws-in-e-step',
  moduleUrl: import.meta.url,
  eStep() {
    throw new Error('deliberate failure in the E-step');
  },
};

/**
 * A plugin built against its own copy of @emkit/core: its errors are of other classes than the
 * CLI's, with the same `code` and structured parts (`field`, `file`, `row`, `detail`) — as the
 * EmkitError subclasses of any copy of core have. The CLI must go by code, never by class.
 */
class ForeignError extends Error {
  constructor(name, code, parts, message) {
    super(message);
    this.name = name;
    this.code = code;
    Object.assign(this, parts);
  }
}
const foreignOptionError = (field, detail) => new ForeignError('OptionError', 'option', { field, detail }, `${field}: ${detail}`);
const foreignInputError = (row, column, detail) => new ForeignError('InputError', 'input', { file: 'data', row, column, detail }, `data: ${detail}`);

export const foreignErrors = {
  ...gmmPlugin,
  name: 'foreign-errors',
  moduleUrl: import.meta.url,
  parseOptions(raw) {
    if (raw.k === 13) throw foreignOptionError('k', 'thirteen components are unlucky');
    return gmmPlugin.parseOptions(raw);
  },
  eStep(params, data, range, stats) {
    for (let i = range.start; i < range.end; i++)
      if (data.values[i * data.cols] === 13) throw foreignInputError(i + 1, 1, `row ${i + 1}, column 1 is 13; this plugin refuses it`);
    return gmmPlugin.eStep(params, data, range, stats);
  },
};
