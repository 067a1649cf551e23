import { beforeAll, describe, expect, it } from 'vitest';
import { FitError, InputError, type FitResult, ModelFileError, OptionError, createDataset, fit, modelFileFromFit, readModelFile, sliceRows } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random } from '@emkit/linalg';
import { layoutOf } from './network.js';
import { parseVaeOptions, type VaeOptions } from './options.js';
import type { VaeParams } from './params.js';
import { vaePlugin } from './plugin.js';
import { binaryRows, realRows } from './test-support/data.js';

describe('the plugin contract', () => {
  it('passes core\'s conformance kit where it applies', async () => {
    // Skipped: 'monotone' — the driver's log-likelihood is a stochastic mini-batch estimate of the
    // ELBO, which rises on average but not at every step; 'parameter-count' — a network's weights
    // are not identifiable (hidden-unit permutations, flat directions), so the Jacobian rank of
    // the scores is below the number of weights by design.
    const skip = ['monotone', 'parameter-count'] as const;
    for (const [data, options] of [
      [binaryRows(1, 90, 6), { hidden: [5, 4], latent: 2, batchSize: 16, iwaeSamples: 8 }],
      [binaryRows(2, 90, 6, 3, true), { hidden: 5, latent: 2, batchSize: 1000, iwaeSamples: 8 }],
      [realRows(3, 90, 4), { decoder: 'gaussian', hidden: 6, latent: 1, batchSize: 20, iwaeSamples: 8 }],
    ] as const) {
      const report = await assertConformance(vaePlugin, { data, options, skip: [...skip] });
      expect(report.checks.map((c) => c.name)).toEqual(['shard-additivity', 'determinism', 'purity', 'init-progress', 'serialisation', 'view']);
    }
  });

  it('the E-step after training evaluates every row (no gradient); during training only the batch', () => {
    const data = binaryRows(1, 40, 5);
    const params = vaePlugin.init(data, parseVaeOptions({ hidden: 4, batchSize: 10, epochs: 1 }), new Random(0));
    const during = vaePlugin.createStats(params, 5);
    vaePlugin.eStep(params, data, { start: 0, end: 40 }, during);
    expect(during[0]).toBe(10);
    const finished = { ...params, step: params.plan.totalSteps };
    const after = vaePlugin.createStats(finished, 5);
    vaePlugin.eStep(finished, data, { start: 0, end: 40 }, after);
    expect(after[0]).toBe(40);
    expect(after.subarray(2).every((g) => g === 0)).toBe(true);
  });

  it('refuses a copy of a shard (the runner without shared memory): mini-batches need absolute row indices', () => {
    const data = binaryRows(1, 40, 5);
    const params = vaePlugin.init(data, parseVaeOptions({ hidden: 4 }), new Random(0));
    expect(() => vaePlugin.eStep(params, sliceRows(data, { start: 10, end: 20 }), { start: 0, end: 10 }, vaePlugin.createStats(params, 5))).toThrow(FitError);
  });
});

describe('options', () => {
  it('fills in defaults', () => {
    expect(parseVaeOptions({})).toEqual({
      latent: 2,
      hidden: [64],
      activation: 'tanh',
      decoder: 'bernoulli',
      variance: null,
      epochs: 50,
      batchSize: 64,
      learningRate: 1e-3,
      iwaeSamples: 64,
    });
  });

  it('takes hidden sizes as a number, a comma-separated string, or a CLI list of strings', () => {
    expect(parseVaeOptions({ hidden: 32 }).hidden).toEqual([32]);
    expect(parseVaeOptions({ hidden: '128, 64' }).hidden).toEqual([128, 64]);
    expect(parseVaeOptions({ hidden: ['128', '64'] }).hidden).toEqual([128, 64]);
    expect(parseVaeOptions({ hidden: [] }).hidden).toEqual([]);
    expect(parseVaeOptions({ latent: '3', epochs: '7' })).toMatchObject({ latent: 3, epochs: 7 });
  });

  it('names the offending field', () => {
    const field = (raw: unknown) => {
      try {
        parseVaeOptions(raw);
      } catch (error) {
        expect(error).toBeInstanceOf(OptionError);
        return (error as OptionError).field;
      }
      return null;
    };
    expect(field({ hidden: '64,x' })).toBe('hidden');
    expect(field({ hidden: [64, 0] })).toBe('hidden');
    expect(field({ latent: 0 })).toBe('latent');
    expect(field({ decoder: 'poisson' })).toBe('decoder');
    expect(field({ learningRate: -1 })).toBe('learningRate');
    expect(field({ variance: 1 })).toBe('variance');
    expect(field({ decoder: 'gaussian', variance: 0 })).toBe('variance');
    expect(field({ epoch: 3 })).toBe('epoch');
  });

  it('the Bernoulli decoder refuses non-binary data, naming row and column', async () => {
    const data = realRows(1, 10, 3);
    await expect(fit(vaePlugin, data, {})).rejects.toThrow(/row 1, column 1 .*--decoder gaussian/);
    await expect(fit(vaePlugin, data, {})).rejects.toBeInstanceOf(InputError);
  });
});

describe('reports', () => {
  const data = binaryRows(7, 150, 8);
  let result: FitResult<VaeParams, VaeOptions>;
  let params: VaeParams;
  beforeAll(async () => {
    result = await fit(vaePlugin, data, { hidden: 12, latent: 3, epochs: 6, batchSize: 30, iwaeSamples: 20 }, { seed: 3 });
    params = result.params;
  });

  it('one component: responsibilities 1, predict 0', () => {
    expect(vaePlugin.components(params)).toBe(1);
    expect(Array.from(vaePlugin.responsibilities(params, data)).every((r) => r === 1)).toBe(true);
    expect(Array.from(vaePlugin.predict(params, data)).every((k) => k === 0)).toBe(true);
  });

  it('predictTable gives the latent means z0..', () => {
    const table = vaePlugin.predictTable!(params, data);
    expect(table.columns).toEqual(['z0', 'z1', 'z2']);
    expect(table.values.length).toBe(150 * 3);
    expect(table.values.every(Number.isFinite)).toBe(true);
  });

  it('sample draws 0/1 rows for Bernoulli, real rows for Gaussian, reproducibly', async () => {
    const rows = vaePlugin.sample!(params, 200, new Random(1));
    expect(rows.length).toBe(200 * 8);
    expect(rows.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Array.from(vaePlugin.sample!(params, 200, new Random(1)))).toEqual(Array.from(rows));
    // Column frequencies of the samples follow the data's (a trained generative model).
    for (let c = 0; c < 8; c++) {
      let s = 0;
      let t = 0;
      for (let i = 0; i < 200; i++) s += rows[i * 8 + c];
      for (let i = 0; i < 150; i++) t += data.values[i * 8 + c];
      expect(Math.abs(s / 200 - t / 150)).toBeLessThan(0.2);
    }
    const real = realRows(2, 60, 3);
    const gaussian = await fit(vaePlugin, real, { decoder: 'gaussian', hidden: 6, epochs: 2, batchSize: 30 });
    const drawn = vaePlugin.sample!(gaussian.params, 50, new Random(2));
    expect(drawn.length).toBe(150);
    expect(drawn.some((x) => x !== Math.round(x))).toBe(true);
  });

  it('parameterCount is the number of network weights', () => {
    const hidden = 12;
    const encoder = 8 * hidden + hidden + hidden * 6 + 6;
    const decoder = 3 * hidden + hidden + hidden * 8 + 8;
    expect(vaePlugin.parameterCount(params, result.options)).toBe(encoder + decoder);
    expect(result.parameterCount).toBe(encoder + decoder);
    const gaussian = vaePlugin.init(realRows(1, 10, 4), parseVaeOptions({ decoder: 'gaussian', hidden: 3 }), new Random(0));
    expect(vaePlugin.parameterCount(gaussian, parseVaeOptions({ decoder: 'gaussian', hidden: 3 }))).toBe(4 * 3 + 3 + 3 * 4 + 4 + (2 * 3 + 3 + 3 * 4 + 4) + 4);
  });

  it('the model file holds the architecture and every weight per layer, and reads back', () => {
    const file = JSON.parse(JSON.stringify(modelFileFromFit(vaePlugin, result))) as Record<string, unknown>;
    expect(file).toMatchObject({ model: 'vae', inputs: 8, latent: 3, hidden: [12], activation: 'tanh', decoder: 'bernoulli', variance: null, logVariance: null, step: 30, rows: 150 });
    const layers = file.encoderLayers as { weights: number[][]; bias: number[] }[];
    expect(layers.map((l) => [l.weights.length, l.weights[0].length, l.bias.length])).toEqual([[12, 8, 12], [6, 12, 6]]);
    expect((file.decoderLayers as unknown[]).length).toBe(2);
    expect((file.epochElbo as number[]).length).toBe(6);
    const back = readModelFile(vaePlugin, file);
    expect(Array.from(back.params.weights)).toEqual(Array.from(params.weights));
    expect(Array.from(vaePlugin.scoreSamples(back.params, data))).toEqual(Array.from(vaePlugin.scoreSamples(params, data)));
    expect(layoutOf(back.params.arch).size).toBe(params.weights.length);
  });

  it('model-file errors name the field', () => {
    const file = JSON.parse(JSON.stringify(vaePlugin.toJSON(params, result.options))) as Record<string, unknown>;
    const broken = (patch: Record<string, unknown>) => () => vaePlugin.fromJSON({ ...file, ...patch });
    expect(broken({ encoderLayers: [] })).toThrow(ModelFileError);
    expect(broken({ encoderLayers: [] })).toThrow(/encoderLayers/);
    const layers = JSON.parse(JSON.stringify(file.decoderLayers)) as { weights: number[][] }[];
    layers[1].weights[2] = [1, 2];
    expect(broken({ decoderLayers: layers })).toThrow(/decoderLayers\[1\]\.weights\[2\]/);
    expect(broken({ latent: 0 })).toThrow(/latent/);
    expect(broken({ logVariance: [1] })).toThrow(/logVariance/);
  });

  it('scores held-out rows and checks their shape', () => {
    const heldOut = binaryRows(7, 40, 8);
    expect(vaePlugin.scoreSamples(params, heldOut).every((s) => Number.isFinite(s) && s < 0)).toBe(true);
    expect(() => vaePlugin.scoreSamples(params, createDataset(new Float64Array(6), 2, 3))).toThrow(/3 columns; the model has 8/);
  });
});
