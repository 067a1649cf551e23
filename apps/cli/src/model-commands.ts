import { Random } from '@emkit/linalg';
import { InputError, ModelFileError, OptionError, checkMissingSupport, hasErrorCode, restateError, invertStandardization, objectiveOf, perRowShift, type AnyModelPlugin, type Dataset } from '@emkit/core';
import { modelInputs } from './standardize.js';
import { formatCsv } from '@emkit/io/node';
import { type DataFile, type DataFlags, checkFiniteRows, inDataFile, readDataFile, streamDataFile } from './data.js';
import { type MemoryFlags, memoryOption, streamsRows } from './memory.js';
import { Command, Option } from 'commander';
import { type LoadedModel, checkOutputPath, loadModel, streamOutput, writeOutput, writeStdout } from './files.js';
import { parseIntegerFlag } from './plugin-flags.js';
import { plugins } from './registry.js';
import { dataOptions, stderr } from './shared.js';
import { agreementWithLabels, formatAgreement } from './labels.js';

interface ModelDataFlags extends DataFlags, MemoryFlags {
  model: string;
}

/** The rows of --data, the model's columns found by name (or position), the target as the dataset's target. */
function readData(flags: ModelDataFlags, model: LoadedModel): Promise<DataFile> {
  return readDataFile(flags, { model: model.columns });
}

/**
 * Runs a plugin's per-row computation, naming the data file in errors about its rows and the
 * model file in errors about the model (`means: the model has 2 dimensions but the data has 4 columns`).
 */
function onData<T>(file: DataFile, modelPath: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (hasErrorCode(error, 'model-file')) throw restateError(error, { file: modelPath });
    throw inDataFile(error, file);
  }
}

/** `emkit predict`: labels (column `label`) or responsibilities (p0..pK-1) as CSV. */
export function predictCommand(known: readonly AnyModelPlugin[] = plugins): Command {
  const command = new Command('predict')
    .description(
      "assign rows to components (the most probable one, or with --proba every membership probability); for models with their own per-row output (a regression's predictive mean and variance, a factor model's latent means) write that",
    )
    .requiredOption('--model <model.json>', 'a model file written by `emkit fit` (or by hand)');
  dataOptions(command);
  return command
    .option('--proba', 'write the responsibilities p0..pK-1 instead of labels')
    .option('--impute', 'write the data with each missing cell (--missing marginalize) replaced by its conditional expectation under the model')
    .option('--out <file.csv>', 'write here (atomically; - for standard output) instead of stdout')
    .addOption(memoryOption('data that would not fit is read and predicted chunk by chunk, the output streamed to a temporary file renamed into place'))
    .action(async (flags: ModelDataFlags & { proba?: boolean; impute?: boolean; out?: string }) => {
      if (flags.proba && flags.impute) throw new OptionError({ field: '--impute', detail: 'give --impute or --proba, not both' });
      if (flags.out !== undefined) await checkOutputPath(flags.out);
      const loaded = await loadModel(flags.model, known);
      const { plugin, params } = loaded;
      if (flags.impute && !plugin.impute) throw new OptionError({ field: '--impute', detail: `${flags.model}: a ${plugin.name} model cannot impute missing cells (gmm and bernoulli models can)` });
      // One chunk of rows → its CSV lines (with the header when asked): the whole file at once, or chunk by chunk.
      const inputs = (file: DataFile): Dataset => {
        const dataset = onData(file, flags.model, () => modelInputs(file, loaded.standardization));
        onData(file, flags.model, () => checkMissingSupport(plugin, dataset));
        return dataset;
      };
      const rowsToCsv = (file: DataFile, dataset: Dataset, header: boolean): string => {
        const csv = (values: Float64Array | Int32Array, cols: number, names: readonly string[]): string => formatCsv(values, dataset.rows, cols, header ? names : undefined);
        if (flags.impute) {
          const imputed: Float64Array = onData(file, flags.model, () => plugin.impute!(params, dataset));
          const filled = loaded.standardization === null ? imputed : invertStandardization(imputed, loaded.standardization);
          checkFiniteRows(filled, dataset.cols, file, 'an imputed value of');
          return csv(filled, dataset.cols, file.columns ?? Array.from({ length: dataset.cols }, (_, j) => `x${j}`));
        }
        if (!flags.proba && plugin.predictTable) {
          const table = onData(file, flags.model, () => plugin.predictTable!(params, dataset) as { columns: string[]; values: Float64Array });
          checkFiniteRows(table.values, table.columns.length, file, 'a prediction of');
          return csv(table.values, table.columns.length, table.columns);
        }
        if (flags.proba) {
          const k = plugin.components(params);
          const responsibilities: Float64Array = onData(file, flags.model, () => plugin.responsibilities(params, dataset));
          checkFiniteRows(responsibilities, k, file, 'a membership probability of');
          return csv(responsibilities, k, Array.from({ length: k }, (_, j) => `p${j}`));
        }
        return csv(onData(file, flags.model, () => plugin.predict(params, dataset) as Int32Array), 1, ['label']);
      };
      if (await streamsRows(plugin, flags)) {
        // Constant memory: each chunk's rows in, its lines out (to a temporary file renamed into place at the end).
        await streamOutput(flags.out, async (write) => {
          let first = true;
          for await (const file of streamDataFile(flags, loaded.columns)) {
            await write(rowsToCsv(file, inputs(file), first));
            first = false;
          }
          if (first) throw new InputError({ file: flags.data, detail: 'no data rows' });
        });
        if (flags.label !== undefined) stderr('note: streamed in chunks (over the memory budget), so no agreement with --label is reported');
        return;
      }
      const file = await readData(flags, loaded);
      const dataset = inputs(file);
      await writeOutput(flags.out, rowsToCsv(file, dataset, true));
      const agreement = onData(file, flags.model, () => agreementWithLabels(plugin, params, dataset, file));
      if (agreement !== null) stderr(formatAgreement(agreement));
    });
}

/**
 * `emkit score`: the mean per-row objective of the rows under the model — the mean
 * log-likelihood for density models, the plugin's own objective (e.g. k-means' −inertia) for the
 * others, named in --json as the fit's JSON names it.
 */
export function scoreCommand(known: readonly AnyModelPlugin[] = plugins): Command {
  const command = new Command('score')
    .description("print the mean per-row objective of the data under a model: the mean log-likelihood for density models, the model's own objective (e.g. k-means' −inertia) otherwise")
    .requiredOption('--model <model.json>', 'a model file written by `emkit fit` (or by hand)');
  dataOptions(command);
  return command
    .option('--json', 'print {"objective": name, "meanLogLikelihood": mean} (the key the fit\'s JSON uses)')
    .addOption(memoryOption('data that would not fit is read and scored chunk by chunk'))
    .action(async (flags: ModelDataFlags & { json?: boolean }) => {
    const loaded = await loadModel(flags.model, known);
    const { plugin, params, options, standardization } = loaded;
    // Σ log p(xᵢ) in row order over the file read whole, or chunk by chunk (the same sum, in constant memory).
    let total = 0;
    let rows = 0;
    let path = flags.data;
    const addScores = (file: DataFile): void => {
      const dataset = onData(file, flags.model, () => modelInputs(file, standardization));
      onData(file, flags.model, () => checkMissingSupport(plugin, dataset));
      const scores: Float64Array = onData(file, flags.model, () => plugin.scoreSamples(params, dataset));
      checkFiniteRows(scores, 1, file, 'a log-likelihood of');
      for (let i = 0; i < scores.length; i++) total += scores[i];
      rows += dataset.rows;
      path = file.path;
    };
    if (await streamsRows(plugin, flags)) {
      for await (const file of streamDataFile(flags, loaded.columns)) addScores(file);
      if (rows === 0) throw new InputError({ file: flags.data, detail: 'no data rows' });
    } else addScores(await readData(flags, loaded));
    // Densities of standardised rows, back in the original units (a cost has no Jacobian).
    const objective = objectiveOf(plugin, options);
    const mean = total / rows + perRowShift(objective, standardization);
    // Each score is finite, but their sum may still overflow (rows far from a model fitted to
    // data near 1e150, millions of them).
    if (!Number.isFinite(mean)) throw new InputError({ file: path, detail: `the sum of the rows' log-likelihoods overflows float64 (${total}); score fewer rows at a time` });
    await writeStdout(flags.json ? `${JSON.stringify({ objective: objective.name, meanLogLikelihood: mean })}\n` : `${mean}\n`);
  });
}

/** `emkit sample`: draws rows from a generative model. */
export function sampleCommand(known: readonly AnyModelPlugin[] = plugins): Command {
  return new Command('sample')
    .description('draw rows from a model (fitted or hand-written) as CSV')
    .requiredOption('--model <model.json>', 'a model file written by `emkit fit` (or by hand)')
    .addOption(new Option('--n <integer>', 'number of rows to draw').argParser(parseIntegerFlag).makeOptionMandatory())
    .addOption(new Option('--seed <integer>', 'random seed').argParser(parseIntegerFlag).default(0))
    .addOption(
      new Option('--sequences <integer>', 'draw this many independent sequences of --n rows each, with their ids in a first column `sequence` (for sequence models: hmm)').argParser(parseIntegerFlag),
    )
    .option('--out <file.csv>', 'write here (atomically; - for standard output) instead of stdout')
    .action(async (flags: { model: string; n: number; seed: number; sequences?: number; out?: string }) => {
      if (flags.n < 1) throw new OptionError({ field: '--n', detail: `expected an integer ≥ 1, got ${flags.n}` });
      if (flags.sequences !== undefined && flags.sequences < 1) throw new OptionError({ field: '--sequences', detail: `expected an integer ≥ 1, got ${flags.sequences}` });
      if (flags.out !== undefined) await checkOutputPath(flags.out);
      const { plugin, params, columns, standardization } = await loadModel(flags.model, known);
      if (!plugin.sample) throw new OptionError({ field: '--model', detail: `${flags.model}: a ${plugin.name} model cannot draw samples (it is not a generative model)` });
      const random = new Random(flags.seed);
      const sequences = flags.sequences ?? 1;
      // Each call draws one sequence (independent rows for mixtures), one after another from one stream.
      const draws: Float64Array[] = Array.from({ length: sequences }, () => plugin.sample!(params, flags.n, random) as Float64Array);
      const d = draws[0].length / flags.n;
      const drawn = new Float64Array(sequences * flags.n * d);
      draws.forEach((draw, s) => drawn.set(draw, s * flags.n * d));
      // A model of standardised inputs draws standardised rows: back to the original units.
      const rows = standardization === null ? drawn : invertStandardization(drawn, standardization);
      const bad = rows.findIndex((x) => !Number.isFinite(x));
      if (bad !== -1)
        throw new ModelFileError({ detail: `${flags.model}: draw ${Math.floor(bad / d) + 1}, column ${(bad % d) + 1} is ${rows[bad]}: the model's parameters are too extreme to sample from in float64` });
      const header = columns?.names ?? Array.from({ length: d }, (_, j) => `x${j}`);
      if (flags.sequences === undefined) return writeOutput(flags.out, formatCsv(rows, flags.n, d, header));
      const withIds = new Float64Array(sequences * flags.n * (d + 1));
      for (let i = 0; i < sequences * flags.n; i++) {
        withIds[i * (d + 1)] = Math.floor(i / flags.n);
        withIds.set(rows.subarray(i * d, (i + 1) * d), i * (d + 1) + 1);
      }
      await writeOutput(flags.out, formatCsv(withIds, sequences * flags.n, d + 1, ['sequence', ...header]));
    });
}
