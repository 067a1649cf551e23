import { ModelFileError, readFiniteNumber, readingModelFile, readMatrix, readVector, toNested } from '@emkit/core';
import { batchesPerEpoch } from './batches.js';
import { layoutOf, type DenseLayer, type VaeArchitecture } from './network.js';
import { parseVaeOptions, type VaeOptions } from './options.js';
import type { VaeParams } from './params.js';

/** One dense layer in a model file: y = weights · x + bias, weights out × in. */
interface LayerJSON {
  weights: number[][];
  bias: number[];
}

function layerJSON(weights: Float64Array, layer: DenseLayer): LayerJSON {
  return { weights: toNested(weights, layer.out, layer.in, layer.w), bias: Array.from(weights.subarray(layer.b, layer.b + layer.out)) };
}

/**
 * Model-file fields: the options, the architecture (`inputs` plus the options), the weights per
 * layer, the training schedule's state (`noiseSeed`, `step`, `rows`) and the ELBO per epoch.
 * Adam's moments are not written: a model file is for scoring, predicting and sampling.
 */
export function vaeToJSON(params: VaeParams, options: VaeOptions): Record<string, unknown> {
  const layout = layoutOf(params.arch);
  const { weights } = params;
  return {
    inputs: params.arch.inputs,
    latent: params.arch.latent,
    hidden: [...params.arch.hidden],
    activation: params.arch.activation,
    decoder: params.arch.decoder,
    variance: params.arch.variance,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    iwaeSamples: params.iwaeSamples,
    encoderLayers: layout.encoder.map((layer) => layerJSON(weights, layer)),
    decoderLayers: layout.decoder.map((layer) => layerJSON(weights, layer)),
    logVariance: layout.logVariance >= 0 ? Array.from(weights.subarray(layout.logVariance, layout.logVariance + params.arch.inputs)) : null,
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
  const options: VaeOptions = readingModelFile(() =>
    parseVaeOptions({
      latent: json.latent,
      hidden: json.hidden,
      activation: json.activation,
      decoder: json.decoder,
      variance: json.variance,
      epochs: json.epochs,
      batchSize: json.batchSize,
      learningRate: json.learningRate,
      iwaeSamples: json.iwaeSamples,
    }),
  );
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
