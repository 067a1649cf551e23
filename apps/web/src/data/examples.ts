// The repository's example data sets, bundled as text and parsed like an uploaded file.
import bernoulli20 from '../../../../examples/bernoulli20.csv?raw';
import blobs from '../../../../examples/blobs.csv?raw';
import faithful from '../../../../examples/faithful.csv?raw';
import iris from '../../../../examples/iris.csv?raw';
import { SYNTHETIC, type SyntheticName } from '../session/synthetic.js';

export const CSV_EXAMPLES: Record<string, { file: string; text: string; about: string }> = {
  faithful: { file: 'faithful.csv', text: faithful, about: 'Old Faithful eruptions: duration and waiting time (272 × 2)' },
  blobs: { file: 'blobs.csv', text: blobs, about: 'three Gaussian blobs (600 × 2)' },
  iris: { file: 'iris.csv', text: iris, about: 'Fisher’s iris measurements (150 × 4)' },
  bernoulli20: { file: 'bernoulli20.csv', text: bernoulli20, about: '0/1 data from a 3-component Bernoulli mixture (500 × 20)' },
};

export const SYNTHETIC_EXAMPLES: Record<SyntheticName, string> = SYNTHETIC;

export type ExampleName = keyof typeof CSV_EXAMPLES | SyntheticName;
