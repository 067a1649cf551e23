import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { layoutOf } from './network.js';
import { vaePlugin } from './plugin.js';
import { vaeParameters } from './parameters.js';
import { realRows } from './test-support/data.js';

describe('vaeParameters', () => {
  it('gives each layer’s weights (out × in) and bias, and the learned log-variances, read from the flat weights', async () => {
    const result = await fit(vaePlugin, realRows(1, 60, 4), { decoder: 'gaussian', latent: 2, hidden: [5], epochs: 2 }, { seed: 1 });
    const { params } = result;
    const layout = layoutOf(params.arch);
    const readable = vaeParameters(params);
    expect(readable.encoderLayers.map((l) => [l.weights.length, l.weights[0].length, l.bias.length])).toEqual(layout.encoder.map((l) => [l.out, l.in, l.out]));
    expect(readable.decoderLayers.map((l) => [l.weights.length, l.weights[0].length, l.bias.length])).toEqual(layout.decoder.map((l) => [l.out, l.in, l.out]));
    const first = layout.encoder[0];
    expect(readable.encoderLayers[0].weights[1][2]).toBe(params.weights[first.w + 1 * first.in + 2]);
    expect(readable.encoderLayers[0].bias[3]).toBe(params.weights[first.b + 3]);
    expect(readable.logVariance).toEqual(Array.from(params.weights.subarray(layout.logVariance, layout.logVariance + 4)));
  });
});
