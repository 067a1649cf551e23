import { type Command, InvalidArgumentError, Option } from 'commander';
import { TABLE_FORMATS } from '@emkit/io/node';

export function stderr(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Enough digits to compare runs, without the noise of all 17. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e9) ? x.toExponential(6) : String(Number(x.toPrecision(10)));
}

/** `\t`, `tab` and the other spellings of a delimiter. */
function parseDelimiter(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value] ?? value;
  if (![',', '\t', ';', '|', 'auto'].includes(d)) throw new InvalidArgumentError('expected one of , tab ; | auto.');
  return d;
}

/** --data and the flags that say how to read it and which columns to use, shared by every command that reads data. */
export function dataOptions(command: Command, { target = true } = {}): Command {
  command.requiredOption('--data <file>', 'the data: CSV or TSV (one row per line, optional header row), Parquet or Arrow IPC; - reads standard input');
  command.addOption(new Option('--format <format>', 'the data format (default: from the file extension; csv for standard input)').choices(TABLE_FORMATS));
  command.addOption(new Option('--delimiter <char>', 'CSV field separator: , tab ; | or auto (the most frequent on line 1)').argParser(parseDelimiter));
  command.addOption(new Option('--header <mode>', 'CSV: whether line 1 is a header; auto: when it has a non-numeric cell').choices(['auto', 'yes', 'no']).default('auto'));
  command.option('--columns <list>', 'the columns to use, in this order: header names, 1-based numbers and ranges (a,b,4..7)');
  command.option('--drop <list>', 'columns to leave out: header names, 1-based numbers and ranges (id,2..3)');
  command.option('--label <column>', 'a ground-truth column (any text), kept out of the fit; fit, select (for the selected model) and predict then report ARI, NMI and a confusion table');
  if (target) command.option('--target <column>', 'the response column (header name or 1-based number) of a supervised model such as bayes-linreg; it is left out of the data');
  command.addOption(
    new Option('--missing <mode>', 'empty cells, NaN and NA: error (refuse them), or marginalize (models that support it — gmm, bernoulli — fit on each row\'s observed cells)')
      .choices(['error', 'marginalize'])
      .default('error'),
  );
  command.option('--sequence <column>', 'a column of sequence ids (header name or 1-based number): consecutive rows with the same id form one sequence (hmm); it is left out of the data');
  return command;
}

/** Labels for fields a summary shows, instead of their raw names. */
const LABELS: Readonly<Record<string, string>> = {
  inertia: 'inertia (sum of squared distances)',
  cost: 'cost (sum of distances to the medoids)',
  elbo: 'ELBO (total)',
  elboHistory: 'ELBO history',
  effectiveComponents: 'effective components',
  icl: 'ICL',
  bic: 'BIC',
  aic: 'AIC',
};

/** A readable label for a field name: from LABELS, else `someFieldName` → `some field name`. */
export function readableLabel(field: string): string {
  return LABELS[field] ?? field.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}
