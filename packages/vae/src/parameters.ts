import { toNested } from '@emkit/core';
import { layoutOf, type DenseLayer } from './network.js';
import type { VaeParams } from './params.js';

/** One dense layer in a model file: y = weights · x + bias, weights out × in. */
export interface LayerJSON {
  weights: number[][];
  bias: number[];
}

function layerJSON(weights: Float64Array, layer: DenseLayer): LayerJSON {
  return { weights: toNested(weights, layer.out, layer.in, layer.w), bias: Array.from(weights.subarray(layer.b, layer.b + layer.out)) };
}


/** A VAE's networks as plain nested arrays, layer by layer (y = weights · x + bias, weights out × in). */
export interface VaeParameters {
  /** Input side first; the last layer gives the latent means and log-variances (2L outputs). */
  readonly encoderLayers: LayerJSON[];
  /** Latent side first; the last layer gives the D decoder outputs (logits or means). */
  readonly decoderLayers: LayerJSON[];
  /** The Gaussian decoder's learned log-variance per column, or null (Bernoulli decoder, or a fixed variance). */
  readonly logVariance: number[] | null;
}

/** The weights of fitted (or model-file) VAE parameters, as its model file holds them. */
export function vaeParameters(params: VaeParams): VaeParameters {
  const layout = layoutOf(params.arch);
  const { weights } = params;
  return {
    encoderLayers: layout.encoder.map((layer) => layerJSON(weights, layer)),
    decoderLayers: layout.decoder.map((layer) => layerJSON(weights, layer)),
    logVariance: layout.logVariance >= 0 ? Array.from(weights.subarray(layout.logVariance, layout.logVariance + params.arch.inputs)) : null,
  };
}
