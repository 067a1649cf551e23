import { type Command, Option } from 'commander';

export function stderr(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Enough digits to compare runs, without the noise of all 17. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e9) ? x.toExponential(6) : String(Number(x.toPrecision(10)));
}

/** --data and --header, shared by every command that reads a CSV file. */
export function dataOptions(command: Command, { target = true } = {}): Command {
  command.requiredOption('--data <file.csv>', 'CSV file of numbers, one row per line, optional header row');
  command.addOption(new Option('--header <mode>', 'whether line 1 is a header; auto: when it has a non-numeric cell').choices(['auto', 'yes', 'no']).default('auto'));
  if (target) command.option('--target <column>', 'the response column (header name or 1-based number) of a supervised model such as bayes-linreg; it is left out of the data');
  command.addOption(
    new Option('--missing <mode>', 'empty cells, NaN and NA: error (refuse them), or marginalize (models that support it — gmm, bernoulli — fit on each row\'s observed cells)')
      .choices(['error', 'marginalize'])
      .default('error'),
  );
  command.option('--sequence <column>', 'a column of sequence ids (header name or 1-based number): consecutive rows with the same id form one sequence (hmm); it is left out of the data');
  return command;
}
