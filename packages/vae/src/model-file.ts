import { ModelFileError, readFiniteNumber, readMatrix, readVector } from '@emkit/core';
import { batchesPerEpoch } from './batches.js';
import { layoutOf, type DenseLayer, type VaeArchitecture } from './network.js';
import { vaeOptions, type VaeOptions } from './options.js';
import { vaeParameters } from './parameters.js';
import type { VaeParams } from './params.js';

/**
 * Model-file fields: the options, the architecture (`inputs` plus the options), the weights per
 * layer, the training schedule's state (`noiseSeed`, `step`, `rows`) and the ELBO per epoch.
 * Adam's moments are not written: a model file is for scoring, predicting and sampling.
 */
export function vaeToJSON(params: VaeParams, options: VaeOptions): Record<string, unknown> {
  const { latent, hidden, activation, decoder, variance } = params.arch;
  return {
    inputs: params.arch.inputs,
    // The architecture (latent, hidden, activation, decoder, variance) and the training schedule.
    ...vaeOptions.toModelFile({ ...options, latent, hidden, activation, decoder, variance, iwaeSamples: params.iwaeSamples }),
    ...vaeParameters(params),
    noiseSeed: params.noiseSeed,
    step: params.step,
    rows: params.plan.rows,
    epochElbo: [...params.epochElbo],
  };
}

function readInteger(value: unknown, field: string, min: number): number {
  const x = readFiniteNumber(value, field);
  if (!Number.isInteger(x) || x < min) throw new ModelFileError({ field, detail: `expected an integer ≥ ${min}, got ${x}` });
  return x;
}

function readLayers(value: unknown, field: string, layers: readonly DenseLayer[], weights: Float64Array): void {
  if (!Array.isArray(value)) throw new ModelFileError({ field, detail: `expected an array of ${layers.length} layers {"weights": [[…]], "bias": […]}` });
  if (value.length !== layers.length) throw new ModelFileError({ field, detail: `expected ${layers.length} layers for this architecture, got ${value.length}` });
  layers.forEach((layer, l) => {
    const entry = value[l] as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null) throw new ModelFileError({ field: `${field}[${l}]`, detail: 'expected {"weights": [[…]], "bias": […]}' });
    weights.set(readMatrix(entry.weights, `${field}[${l}].weights`, layer.out, layer.in).values, layer.w);
    weights.set(readVector(entry.bias, `${field}[${l}].bias`, layer.out), layer.b);
  });
}

export function vaeFromJSON(json: Record<string, unknown>): { params: VaeParams; options: VaeOptions } {
  // The architecture decides what the weights compute: a default would silently change the model.
  for (const field of ['latent', 'hidden', 'activation', 'decoder'])
    if (json[field] === undefined) throw new ModelFileError({ field, detail: 'missing: a VAE model file states its architecture (latent, hidden, activation, decoder)' });
  const options = vaeOptions.fromModelFile(json);
  const inputs = readInteger(json.inputs, 'inputs', 1);
  const arch: VaeArchitecture = { inputs, latent: options.latent, hidden: [...options.hidden], activation: options.activation, decoder: options.decoder, variance: options.variance };
  const layout = layoutOf(arch);
  const weights = new Float64Array(layout.size);
  readLayers(json.encoderLayers, 'encoderLayers', layout.encoder, weights);
  readLayers(json.decoderLayers, 'decoderLayers', layout.decoder, weights);
  if (layout.logVariance >= 0) weights.set(readVector(json.logVariance, 'logVariance', inputs), layout.logVariance);
  else if (json.logVariance != null) throw new ModelFileError({ field: 'logVariance', detail: 'must be null unless the decoder is Gaussian with a learned variance' });
  const noiseSeed = readFiniteNumber(json.noiseSeed, 'noiseSeed');
  if (!Number.isInteger(noiseSeed) || noiseSeed !== (noiseSeed | 0)) throw new ModelFileError({ field: 'noiseSeed', detail: `expected a 32-bit integer, got ${noiseSeed}` });
  const step = readInteger(json.step, 'step', 0);
  const rows = readInteger(json.rows, 'rows', 1);
  const epochElbo = json.epochElbo == null ? [] : Array.from(readVectorOrEmpty(json.epochElbo, 'epochElbo'));
  const batches = batchesPerEpoch(rows, options.batchSize);
  const params: VaeParams = {
    arch,
    weights,
    adamFirst: new Float64Array(layout.size),
    adamSecond: new Float64Array(layout.size),
    step,
    noiseSeed,
    plan: { rows, batchSize: options.batchSize, batchesPerEpoch: batches, epochs: options.epochs, totalSteps: options.epochs * batches, learningRate: options.learningRate },
    iwaeSamples: options.iwaeSamples,
    epochElbo,
    epochElboSum: 0,
    epochWeight: 0,
  };
  return { params, options };
}

function readVectorOrEmpty(value: unknown, field: string): Float64Array {
  if (Array.isArray(value) && value.length === 0) return new Float64Array(0);
  return readVector(value, field);
}
