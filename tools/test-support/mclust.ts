// mclust's own fits (tools/fixtures/mclust, written by tools/mclust-fixtures/make-fixtures.R),
// shared by the tests that compare emkit's 14 covariance models with mclust.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/fixtures/mclust in this repository. */
export const mclustFixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/mclust');

/** One Mclust(x, G = k, modelNames = model) fit, or the reason mclust gave none. */
export interface MclustFit {
  readonly model: string;
  readonly k: number;
  /** null when mclust returned no fit (then `reason` says why). */
  readonly fit?: null;
  readonly reason?: string;
  readonly loglik?: number;
  readonly df?: number;
  /** mclust's sign: 2·logL − df·log n (larger is better). */
  readonly bic?: number;
  /** mclust's log-likelihood at the returned parameters (estep); `loglik` is its last E-step's, one M-step earlier. */
  readonly loglikAtParameters?: number;
  /** mclust's BIC at the returned parameters (bic(), mclust's sign). */
  readonly bicAtParameters?: number;
  readonly weights?: number[];
  /** K×D row-major. */
  readonly means?: number[];
  /** K×D×D row-major. */
  readonly covariances?: number[];
}

export interface MclustFixture {
  readonly dataset: string;
  readonly source: string;
  readonly columns: string[];
  readonly n: number;
  readonly d: number;
  /** n×d row-major. */
  readonly data: number[];
  readonly fits: MclustFit[];
  /** mclust's hc classes as Mclust starts from them: hc(x, modelName, use = "SVD"), hclass for K = "2".."5" (labels 1..K). */
  readonly hc: Record<'VVV' | 'EII', Record<string, number[]>>;
  /** Mclust(…, prior = priorControl()) for the ten models with a conjugate prior, K = 1…3. */
  readonly mapFits: MclustMapFit[];
}

/** One MAP fit (mclust's loglik is its last E-step's data log-likelihood) with the prior defaultPrior gave. */
export interface MclustMapFit extends Pick<MclustFit, 'model' | 'k' | 'fit' | 'reason' | 'loglik' | 'weights' | 'means' | 'covariances'> {
  readonly prior?: {
    readonly shrinkage: number;
    readonly mean: number[];
    readonly dof: number;
    /** One number (the diagonal family) or D×D row-major. */
    readonly scale: number | number[];
  };
  /** The parameters after one more EM step from these (mclust's estep, then mstep with the prior); absent where mclust's estep refused them. */
  readonly next?: Pick<MclustFit, 'weights' | 'means' | 'covariances'>;
}

/** The data sets with mclust fixtures (diabetes, banknote, faithful, iris, wine). */
export function mclustFixtureNames(): string[] {
  return readdirSync(mclustFixturesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function readMclustFixture(dataset: string): MclustFixture {
  return JSON.parse(readFileSync(join(mclustFixturesDir, `${dataset}.json`), 'utf8')) as MclustFixture;
}
