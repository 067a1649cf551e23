import {
  type CandidateRow,
  type Dataset,
  type FitResult,
  type Objective,
  type Standardization,
  type StandardizeMethod,
  type StandardizedFitResult,
  STANDARDIZE_METHODS,
  applyStandardization,
  fitStandardization,
  inOriginalUnits,
  perRowShift,
  totalWeight,
} from '@emkit/core';
import { InvalidArgumentError, Option } from 'commander';
import type { DataFile } from './data.js';

/** `--standardize [zscore|robust]` (zscore when given without a value). */
export function standardizeOption(): Option {
  return new Option(
    '--standardize [method]',
    'fit on standardised columns: zscore (mean 0, variance 1; the default) or robust (median 0, interquartile range 1); the transform is kept in the model file and applied by predict, score and sample; likelihoods, BIC and AIC stay in the original units',
  ).argParser((value: string): StandardizeMethod => {
    if (!STANDARDIZE_METHODS.includes(value as StandardizeMethod)) throw new InvalidArgumentError(`expected ${STANDARDIZE_METHODS.join(' or ')}.`);
    return value as StandardizeMethod;
  });
}

/** The method of a parsed --standardize flag (true: the flag without a value), or null. */
export function standardizeMethod(flag: StandardizeMethod | boolean | undefined): StandardizeMethod | null {
  return flag === undefined || flag === false ? null : flag === true ? 'zscore' : flag;
}

/** The data to fit: standardised when asked, with the transform to store. */
export function dataToFit(file: DataFile, method: StandardizeMethod | null): { data: Dataset; transform: Standardization | null } {
  if (method === null) return { data: file.dataset, transform: null };
  const transform = fitStandardization(file.dataset, method, file.path);
  return { data: applyStandardization(file.dataset, transform, file.path), transform };
}

/** A fit on standardised data in the original units (the result as it is without a transform). */
export function toOriginalUnits<P, O>(result: FitResult<P, O>, transform: Standardization | null, file: DataFile): FitResult<P, O> | StandardizedFitResult<P, O> {
  return transform === null ? result : inOriginalUnits(result, transform, file.dataset);
}

/** The rows a loaded model sees: standardised by its transform when it has one. */
export function modelInputs(file: DataFile, transform: Standardization | null): Dataset {
  return transform === null ? file.dataset : applyStandardization(file.dataset, transform, file.path);
}

/** A row of `emkit select`'s table in the original units (rows whose objective is not a density of the columns unchanged). */
export function rowInOriginalUnits(row: CandidateRow, transform: Standardization, data: Dataset): CandidateRow {
  if (row.status !== 'ok' || row.objective === null || !row.objective.density || row.logLikelihood === null || row.meanLogLikelihood === null) return row;
  const perRow = perRowShift(row.objective, transform);
  const shift = perRow * totalWeight(data);
  const minus = (x: number | null): number | null => (x === null ? null : x - 2 * shift);
  return { ...row, logLikelihood: row.logLikelihood + shift, meanLogLikelihood: row.meanLogLikelihood + perRow, bic: minus(row.bic), aic: minus(row.aic), icl: minus(row.icl) };
}

/** The summary's `standardised` line: the transform, and the units the objective is reported in. */
export function standardisedNote(transform: Standardization, objective: Objective): string {
  const method = transform.method === 'zscore' ? 'z-scores' : 'robust (median, IQR)';
  return `${method}; ${objective.density ? `${objective.name} in the original units` : `${objective.name} as fitted (not a density of the columns: no change of units to undo)`}`;
}
