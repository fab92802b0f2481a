/** `letters train` and `letters tune`. */
import { join } from 'node:path';
import { LettersError, terminalTable, type Column, type LettersCommand } from '../common/index.ts';
import { dataDirOption } from '../data/data-dir.ts';
import { DATASET_DEFAULTS, DATASET_NAMES, loadDataset } from '../data/registry.ts';
import { backendOptions, createTrainStep, describeBackend, initBackend, type BackendChoice } from '../engine/index.ts';
import type { EvaluationMetrics } from '../models/io.ts';
import type { ExperimentConfig } from './config.ts';
import { DEFAULT_GRID_FILE, readExperimentFile, readGrid } from './grid.ts';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.ts';
import { checkClassCount, runExperiment } from './run.ts';
import { defaultLettersDataset, reproduceSeedTable, seedTableColumns } from './seed-table.ts';
import { describeBudget, tune, tuneColumns, type TuneBudget } from './tune.ts';

const dataOptions = {
  dataset: { type: 'string', choices: DATASET_NAMES, describe: 'Dataset (default: emnist-letters when present, else byclass-letters)' },
  'data-dir': dataDirOption,
  seed: { type: 'number', default: DATASET_DEFAULTS.seed, describe: 'Seed of the split, initial weights, shuffle and augmentation' },
  limit: { type: 'number', describe: 'At most this many images per split (a seeded stratified subsample), for quick runs' },
} as const;

/** A CLI number that must be a positive integer, or undefined when not given. */
function positiveInteger(option: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new LettersError(`--${option} ${value}: use a positive whole number`);
  }
  return value;
}

/** `--model`: a preset name or an experiment config file; checked before anything is loaded. */
async function resolveModel(value: string): Promise<ExperimentConfig> {
  if ((PRESET_NAMES as string[]).includes(value)) return PRESETS[value as PresetName];
  if (value.endsWith('.json')) return readExperimentFile(value);
  throw new LettersError(`--model ${value}: unknown model; use ${PRESET_NAMES.join(', ')} or an experiment config .json file`);
}

/** The backend line first, as every training command does; then the data. */
async function prepare(args: { backend: BackendChoice; threads: number; dataset?: string; dataDir?: string; seed: number; limit?: number; json: boolean }) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const backend = await initBackend({ backend: args.backend, threads: args.threads });
  log(describeBackend(backend));
  const dataset = args.dataset ?? defaultLettersDataset(args.dataDir);
  const data = await loadDataset(dataset, { dataDir: args.dataDir, seed: args.seed, limit: args.limit });
  log(`data: ${data.source.description}: ${data.train.count} train, ${data.validation.count} validation, ${data.test.count} test images`);
  if (data.source.synthetic) log('WARNING: synthetic data (the generated fixtures): numbers are not comparable to EMNIST');
  return { backend, data, log };
}

/** Ctrl-C: say how to continue; the checkpoints on disk are complete because every write is atomic. */
function onInterrupt(): void {
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: run the same command again to resume from the last completed epoch\n');
    process.exit(130);
  });
}

interface MetricsRow {
  readonly split: string;
  readonly count: number | string;
  readonly loss: number;
  readonly accuracy: number;
}
const metricsColumns: readonly Column<MetricsRow>[] = [
  { header: 'Split', value: (r) => r.split },
  { header: 'Images', value: (r) => r.count, align: 'right' },
  { header: 'Loss', value: (r) => r.loss, align: 'right' },
  { header: 'Accuracy', value: (r) => r.accuracy, align: 'right' },
];
const metricsRow = (m: EvaluationMetrics): MetricsRow => ({ split: m.split, count: m.count, loss: m.loss, accuracy: m.accuracy });

const trainCommand: LettersCommand = (cli) =>
  cli.command(
    'train',
    'Train a model (dense, convnet, tuned or an experiment config), evaluate it on the test split and save it',
    (command) =>
      command
        .option('model', { type: 'string', default: 'convnet', describe: `${PRESET_NAMES.join(' | ')} | <experiment.json>` })
        .options(dataOptions)
        .option('epochs', { type: 'number', describe: "Epochs (default: the model's, 5 for the baselines)" })
        .option('batch-size', { type: 'number', describe: "Batch size (default: the model's)" })
        .option('out', { type: 'string', describe: 'Model directory (default: runs/<model name>; runs/seed-table with --reproduce-seed-table)' })
        .options(backendOptions)
        .option('reproduce-seed-table', {
          type: 'boolean',
          default: false,
          describe: "The brief's Part 1 table: dense on digits, dense on Letters, convnet on Letters, 5 epochs each",
        })
        .example('$0 train --model convnet --data-dir ../shared/data', "Chollet's convnet on Letters")
        .example('$0 train --model my-experiment.json --epochs 20 --out runs/mine', 'an experiment config (grid variant format)')
        .example('$0 train --reproduce-seed-table --data-dir ../shared/data', "the brief's Part 1 table"),
    async (args) => {
      const epochs = positiveInteger('epochs', args.epochs);
      const batchSize = positiveInteger('batch-size', args.batchSize);
      const limit = positiveInteger('limit', args.limit);
      onInterrupt();
      if (args.reproduceSeedTable) {
        if (args.model !== 'convnet' || args.dataset !== undefined || batchSize !== undefined) {
          throw new LettersError('--reproduce-seed-table trains its own models and datasets; drop --model, --dataset and --batch-size');
        }
        const backend = await initBackend({ backend: args.backend, threads: args.threads });
        process.stderr.write(`${describeBackend(backend)}\n`);
        const outDir = args.out ?? join('runs', 'seed-table');
        const rows = await reproduceSeedTable({
          dataDir: args.dataDir,
          outDir,
          seed: args.seed,
          limit,
          epochs,
          createTrainStep,
          quiet: args.quiet || args.json,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else process.stdout.write(`${terminalTable(rows, seedTableColumns)}\nwrote ${join(outDir, 'seed-table.md')} and seed-table.json\n`);
        return;
      }
      const base = await resolveModel(args.model);
      const config: ExperimentConfig = { ...base, ...(epochs ? { epochs } : {}), ...(batchSize ? { batchSize } : {}) };
      const { data, log } = await prepare({ ...args, limit });
      checkClassCount(config, data, `--model ${args.model}`);
      const outDir = args.out ?? join('runs', config.name);
      log(`training ${config.name} for ${config.epochs} epochs (batch ${config.batchSize}) into ${outDir}`);
      const result = await runExperiment(config, {
        data,
        outDir,
        seed: args.seed,
        createTrainStep,
        evaluateTest: true,
        quiet: args.quiet || args.json,
      });
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ ...result, dir: outDir, dataset: data.source }, null, 2)}\n`);
        return;
      }
      const rows = [
        { split: 'train (last epoch)', count: data.train.count, ...result.train },
        metricsRow(result.validation),
        metricsRow(result.test!),
      ];
      process.stdout.write(`${terminalTable(rows, metricsColumns)}\n`);
      process.stdout.write(`${config.name}: ${result.epochs} epochs in ${result.seconds.toFixed(0)} s; saved in ${outDir} (metrics.json: test)\n`);
    },
  );

function tuneBudget(epochs: number | undefined, minutes: number | undefined, baselineEpochs: number): TuneBudget {
  if (minutes !== undefined) {
    if (!(Number.isFinite(minutes) && minutes > 0)) throw new LettersError(`--budget-minutes ${minutes}: use a positive number`);
    return { minutes };
  }
  return { epochs: positiveInteger('budget-epochs', epochs) ?? baselineEpochs };
}

const tuneCommand: LettersCommand = (cli) =>
  cli.command(
    'tune',
    'Train every variant of a grid on the same split and budget; write the ranked table and save the best model',
    (command) =>
      command
        .option('grid', { type: 'string', default: DEFAULT_GRID_FILE, describe: 'Grid file (default: the shipped grid of the nine techniques)' })
        .option('budget-epochs', { type: 'number', describe: "Epochs per variant (default: the grid's)" })
        .option('budget-minutes', { type: 'number', describe: "Minutes per variant (at most the grid's epochs)" })
        .conflicts('budget-epochs', 'budget-minutes')
        .options(dataOptions)
        .option('out', { type: 'string', default: join('runs', 'tune'), describe: 'Folder for results.md/json, curves.png, variants/ and best/' })
        .options(backendOptions)
        .example('$0 tune --data-dir ../shared/data --budget-epochs 3', 'every technique in isolation, 3 epochs each')
        .example('$0 tune --grid my-grid.json --budget-minutes 2 --limit 10000', 'a custom grid, 2 minutes per variant'),
    async (args) => {
      const grid = await readGrid(args.grid);
      const budget = tuneBudget(args.budgetEpochs, args.budgetMinutes, grid.variants[0].epochs);
      const limit = positiveInteger('limit', args.limit);
      onInterrupt();
      const { data, log } = await prepare({ ...args, limit });
      for (const variant of grid.variants) checkClassCount(variant, data, `${args.grid}: variant "${variant.name}"`);
      log(`tuning ${grid.variants.length} variants of ${args.grid}, budget ${describeBudget(budget, grid)}, into ${args.out}`);
      const report = await tune({
        grid,
        gridFile: args.grid,
        data,
        outDir: args.out,
        seed: args.seed,
        budget,
        createTrainStep,
        quiet: args.quiet || args.json,
        onVariant: (name, index, total, skipped) => log(`variant ${index + 1}/${total}: ${name}${skipped ? ' (finished earlier, skipped)' : ''}`),
      });
      if (args.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      process.stdout.write(`budget: ${report.budget}\n${terminalTable(report.rows, tuneColumns)}\n`);
      process.stdout.write(
        `best: ${report.best.name}, test accuracy ${report.best.test.accuracy.toFixed(4)} (loss ${report.best.test.loss.toFixed(4)}), saved in ${report.best.dir}\n`,
      );
      process.stdout.write(`wrote ${['results.md', 'results.json', 'curves.png'].map((f) => join(args.out, f)).join(', ')}\n`);
    },
  );

/** Adds `letters train` and `letters tune`. */
export const experimentCommands: LettersCommand = (cli) => tuneCommand(trainCommand(cli));
