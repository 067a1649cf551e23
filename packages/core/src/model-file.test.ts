import { Random } from '@emkit/linalg';
import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.js';
import { fit } from './driver.js';
import { ModelFileError } from './errors.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  checkModelFileHeader,
  modelFileFromFit,
  modelFileFromParams,
  pluginForModelFile,
  readModelFile,
} from './model-file.js';
import type { AnyModelPlugin } from './plugin.js';
import { univariateGaussianMixture as ugm } from './testing/univariate-gaussian-mixture.js';

function data(): ReturnType<typeof createDataset> {
  const r = new Random(3);
  const v = Float64Array.from({ length: 80 }, (_, i) => (i % 2 ? -3 : 2) + r.nextNormal());
  return createDataset(v, 80, 1);
}

function modelFileError(f: () => unknown): ModelFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as ModelFileError).code).toBe('model-file');
    return e as ModelFileError;
  }
  throw new Error('expected a ModelFileError');
}

const header = { format: 'emkit-model', version: 1, model: 'univariate-gaussian-mixture' };

describe('modelFileFromFit', () => {
  it('holds the header, the plugin’s fields and the fit summary', async () => {
    const result = await fit(ugm, data(), { minVariance: 1e-3 }, { seed: 4, restarts: 2, tol: 1e-6 });
    const file = modelFileFromFit(ugm, result);
    expect(MODEL_FORMAT).toBe('emkit-model');
    expect(MODEL_FORMAT_VERSION).toBe(1);
    expect(file.format).toBe('emkit-model');
    expect(file.version).toBe(1);
    expect(file.model).toBe('univariate-gaussian-mixture');
    expect(file).toMatchObject({
      k: 2,
      minVariance: 1e-3,
      weights: Array.from(result.params.weights),
      means: Array.from(result.params.means),
      variances: Array.from(result.params.variances),
      meanLogLikelihood: result.meanLogLikelihood,
      iterations: result.iterations,
      converged: result.converged,
      bic: result.bic,
      aic: result.aic,
      parameterCount: 5,
      seed: result.seed,
      restart: result.restart,
      logLikelihoodHistory: [...result.history],
      monotonicityViolations: [],
    });
    expect(Object.keys(file).slice(0, 3)).toEqual(['format', 'version', 'model']);
    // plain JSON, no typed arrays
    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
  });

  it('carries the monotonicity violations of the fit', async () => {
    let n = 0;
    const broken = { ...ugm, mStep: (...a: Parameters<typeof ugm.mStep>) => (++n === 2 ? { ...ugm.mStep(...a), means: Float64Array.of(40, 50) } : ugm.mStep(...a)) };
    const result = await fit(broken, data(), { init: { weights: [0.5, 0.5], means: [-1, 1], variances: [1, 1] } }, { tol: 0, maxIter: 4 });
    const file = modelFileFromFit(broken, result);
    expect(result.monotonicityViolations.length).toBeGreaterThan(0);
    expect(file.monotonicityViolations).toEqual(result.monotonicityViolations.map((v) => ({ ...v })));
  });

  it('leaves out bic, aic and parameterCount for a model without a likelihood', async () => {
    const noCriteria = { ...ugm, parameterCount: () => null };
    const file = modelFileFromFit(noCriteria, await fit(noCriteria, data(), {}, { maxIter: 3 }));
    expect(file).not.toHaveProperty('bic');
    expect(file).not.toHaveProperty('aic');
    expect(file).not.toHaveProperty('parameterCount');
    expect(file).toHaveProperty('meanLogLikelihood');
  });
});

describe('readModelFile', () => {
  it('round-trips a fit through JSON text and the plugin’s toJSON / fromJSON, bit for bit', async () => {
    const result = await fit(ugm, data(), { minVariance: 1e-3 }, { seed: 1, tol: 1e-6 });
    const text = JSON.stringify(modelFileFromFit(ugm, result));
    const { params, options, file } = readModelFile(ugm, JSON.parse(text));
    expect(params.weights).toEqual(result.params.weights);
    expect(params.means).toEqual(result.params.means);
    expect(params.variances).toEqual(result.params.variances);
    expect(options.minVariance).toBe(1e-3);
    expect(options.k).toBe(2);
    expect(file.meanLogLikelihood).toBe(result.meanLogLikelihood);
    // the read parameters score the data as the fit did
    const a = ugm.scoreSamples(params, data());
    const b = ugm.scoreSamples(result.params, data());
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('round-trips given parameters (no fit)', () => {
    const params = { weights: Float64Array.of(0.25, 0.75), means: Float64Array.of(-1.5, 2), variances: Float64Array.of(0.5, 3) };
    const file = modelFileFromParams(ugm, params, ugm.parseOptions({}));
    expect(file).not.toHaveProperty('iterations');
    expect(readModelFile(ugm, JSON.parse(JSON.stringify(file))).params).toEqual(params);
  });

  it('refuses a file of another model, naming the field `model`', () => {
    const e = modelFileError(() => readModelFile(ugm, { ...header, model: 'gmm' }));
    expect(e.field).toBe('model');
    expect(e.message).toMatch(/"gmm".*"univariate-gaussian-mixture"/);
  });

  it('passes the plugin’s own field errors on, e.g. means[1]', () => {
    const e = modelFileError(() => readModelFile(ugm, { ...header, weights: [0.5, 0.5], means: [0, 'x'], variances: [1, 1] }));
    expect(e.field).toBe('means[1]');
  });

  const valid = { ...header, k: 2, minVariance: 1e-6, weights: [0.5, 0.5], means: [0, 1], variances: [1, 1] };

  it('a field the plugin does not read must still have the kind its toJSON writes there', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...valid, k: 'two' }, 'k', /^k: expected a number, got a string \("two"\)$/],
      [{ ...valid, k: null }, 'k', /^k: expected a number, got null$/],
      [{ ...valid, k: [2] }, 'k', /^k: expected a number, got an array/],
    ];
    for (const [json, field, message] of cases) {
      const e = modelFileError(() => readModelFile(ugm, json));
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    }
    expect(readModelFile(ugm, { ...valid, notes: 'a field of the user, left alone' }).params.means).toEqual(Float64Array.of(0, 1));
  });

  it('fit summary fields are optional, but typed when present', () => {
    expect(() => readModelFile(ugm, { ...valid, meanLogLikelihood: -1.5, iterations: 3, converged: true, logLikelihoodHistory: [-2, -1.5], monotonicityViolations: [] })).not.toThrow();
    const cases: [Record<string, unknown>, string][] = [
      [{ meanLogLikelihood: 'high' }, 'meanLogLikelihood'],
      [{ iterations: 2.5 }, 'iterations'],
      [{ converged: 'yes' }, 'converged'],
      [{ bic: null }, 'bic'],
      [{ seed: [] }, 'seed'],
      [{ logLikelihoodHistory: [-1, null] }, 'logLikelihoodHistory'],
      [{ monotonicityViolations: [{ iteration: 2 }] }, 'monotonicityViolations'],
    ];
    for (const [fields, field] of cases) expect(modelFileError(() => readModelFile(ugm, { ...valid, ...fields })).field, JSON.stringify(fields)).toBe(field);
  });
});

describe('checkModelFileHeader', () => {
  it('accepts a well-formed header and returns the object', () => {
    const o = { ...header, extra: 1 };
    expect(checkModelFileHeader(o)).toBe(o);
  });

  it('rejects anything but a JSON object', () => {
    for (const bad of [null, undefined, 42, 'emkit-model', [header], true]) {
      const e = modelFileError(() => checkModelFileHeader(bad));
      expect(e.field).toBeUndefined();
      expect(e.message).toMatch(/expected a JSON object/);
    }
  });

  it('names the field at fault: format, version or model', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ version: 1, model: 'm' }, 'format', /^format: expected "emkit-model", got undefined/],
      [{ ...header, format: 'emkit' }, 'format', /^format: .*"emkit"/],
      [{ ...header, version: 3 }, 'version', /^version: version 3 is not supported; this emkit reads versions 1 and 2/],
      [{ ...header, version: '1' }, 'version', /^version: version "1"/],
      [{ format: 'emkit-model', model: 'm' }, 'version', /^version: missing: the model-file layout version \(1\)$/],
      [{ format: 'emkit-model', version: 1 }, 'model', /^model: missing/],
      [{ ...header, model: '' }, 'model', /^model: /],
      [{ ...header, model: 7 }, 'model', /^model: /],
    ];
    for (const [json, field, message] of cases) {
      const e = modelFileError(() => checkModelFileHeader(json));
      expect(e.field, JSON.stringify(json)).toBe(field);
      expect(e.message).toMatch(message);
    }
  });
});

describe('pluginForModelFile', () => {
  const other: AnyModelPlugin = { ...ugm, name: 'other-model' };

  it('finds the plugin the file names', () => {
    expect(pluginForModelFile([other, ugm], header)).toBe(ugm);
    expect(pluginForModelFile([other, ugm], { ...header, model: 'other-model' })).toBe(other);
  });

  it('an unknown model lists the known names', () => {
    const e = modelFileError(() => pluginForModelFile([ugm, other], { ...header, model: 'hmm' }));
    expect(e.field).toBe('model');
    expect(e.message).toBe('model: unknown model "hmm"; known: univariate-gaussian-mixture, other-model');
  });

  it('checks the header first', () => {
    expect(modelFileError(() => pluginForModelFile([ugm], { ...header, version: 0 })).field).toBe('version');
  });
});
