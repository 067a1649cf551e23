import { type AnyModelPlugin, type Dataset, type LabelAgreement, formatConfusion, labelAgreement } from '@emkit/core';
import type { DataFile } from './data.js';
import { formatNumber } from './shared.js';

/** What `--json` shows of a comparison with the --label column. */
export interface AgreementReport extends LabelAgreement {
  readonly label: string;
}

/**
 * The agreement of a model's assignments with the file's --label column (null without one):
 * adjusted Rand index, NMI and the components × labels confusion table.
 */
export function agreementWithLabels(plugin: AnyModelPlugin, params: unknown, dataset: Dataset, file: DataFile): AgreementReport | null {
  if (file.labels === null) return null;
  const assignments = plugin.predict(params, dataset) as Int32Array;
  const agreement = labelAgreement(assignments, file.labels, plugin.components(params));
  return { label: file.labelName ?? 'label', ...agreement };
}

/** The report as stderr lines. */
export function formatAgreement(report: AgreementReport): string {
  return [
    `agreement with --label ${report.label}: adjusted Rand index ${formatNumber(report.adjustedRandIndex)}, NMI ${formatNumber(report.normalizedMutualInformation)}`,
    formatConfusion(report, report.label),
  ].join('\n');
}
