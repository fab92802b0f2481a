/** `letters train`: one model (a preset or an experiment config), evaluated on the test split and saved. */
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput } from '@letters/contract/node';
import {
  checkClassCount,
  createTrainStep,
  describeBackend,
  initBackend,
  PRESET_NAMES,
  PRESETS,
  readExperimentFile,
  reproduceSeedTable,
  runExperiment,
  seedTableColumns,
  terminalTable,
  type Column,
  type EvaluationMetrics,
  type ExperimentConfig,
  type PresetName,
} from '@letters/training';
import { command, informer, printJson } from '../command.ts';
import { positiveInteger } from '../options.ts';
import { backendOptions, dataOptions, datasetList } from '../training-options.ts';
import { prepareTraining, resumeHintOnInterrupt } from '../training-run.ts';

/** `--model`: a preset name or an experiment config file; checked before anything is loaded. */
async function resolveModel(value: string): Promise<ExperimentConfig> {
  if ((PRESET_NAMES as string[]).includes(value)) return PRESETS[value as PresetName];
  if (value.endsWith('.json')) return readExperimentFile(value);
  throw new LettersError(`--model ${value}: unknown model; use ${PRESET_NAMES.join(', ')} or an experiment config .json file`, { kind: 'usage' });
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

export const train = command(
  (cli) =>
    cli
      .option('model', { type: 'string', default: 'convnet', describe: `${PRESET_NAMES.join(' | ')} | <experiment.json>` })
      .options(dataOptions)
      .option('epochs', { type: 'number', describe: "Epochs (default: the model's, 5 for the baselines)" })
      .option('batch-size', { type: 'number', describe: "Batch size (default: the model's)" })
      .option('out', { type: 'string', describe: 'Model directory (default: runs/<model name>; runs/seed-table with --reproduce-seed-table)' })
      .options(backendOptions)
      .option('reproduce-seed-table', {
        type: 'boolean',
        default: false,
        describe: "The baseline table: dense on digits, dense on Letters, convnet on Letters, 5 epochs each",
      })
      .example('$0 train --model convnet --data-dir ../shared/data', "Chollet's convnet on Letters")
      .example('$0 train --model my-experiment.json --epochs 20 --out runs/mine', 'an experiment config (grid variant format)')
      .example('$0 train --reproduce-seed-table --data-dir ../shared/data', "the baseline table")
      .epilogue(datasetList()),
  async (args) => {
    const epochs = positiveInteger('epochs', args.epochs);
    const batchSize = positiveInteger('batch-size', args.batchSize);
    const limit = positiveInteger('limit', args.limit);
    resumeHintOnInterrupt();
    if (args.reproduceSeedTable) {
      if (args.model !== 'convnet' || args.dataset !== undefined || batchSize !== undefined) {
        throw new LettersError('--reproduce-seed-table trains its own models and datasets; drop --model, --dataset and --batch-size', { kind: 'usage' });
      }
      const info = informer(args);
      const backend = await initBackend({ backend: args.backend, threads: args.threads });
      info(describeBackend(backend));
      const outDir = args.out ?? join('runs', 'seed-table');
      await checkOutput(outDir, { kind: 'collection' }, { option: '--out' });
      const rows = await reproduceSeedTable({
        dataDir: args.dataDir,
        outDir,
        seed: args.seed,
        limit,
        epochs,
        createTrainStep,
        quiet: args.quiet || args.json,
        log: info,
      });
      if (args.json) printJson(rows);
      else process.stdout.write(`${terminalTable(rows, seedTableColumns)}\nwrote ${join(outDir, 'seed-table.md')} and seed-table.json\n`);
      return;
    }
    const base = await resolveModel(args.model);
    const config: ExperimentConfig = { ...base, ...(epochs ? { epochs } : {}), ...(batchSize ? { batchSize } : {}) };
    const outDir = args.out ?? join('runs', config.name);
    // Before hours of training: the model folder and its resume checkpoint beside it.
    const inputs = args.model.endsWith('.json') ? [args.model] : [];
    await checkOutput(outDir, { kind: 'folder', of: 'model' }, { option: '--out', inputs });
    await checkOutput(`${outDir}.resume`, { kind: 'folder', of: 'checkpoint' }, { option: '--out', inputs });
    const { data, log } = await prepareTraining({ ...args, limit });
    checkClassCount(config, data, `--model ${args.model}`);
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
      printJson({ ...result, dir: outDir, dataset: data.source });
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
