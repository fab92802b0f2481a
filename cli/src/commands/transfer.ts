/** `letters transfer`: EMNIST model -> Binary AlphaDigits, cross-validated per method. */
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput } from '@letters/contract/node';
import {
  DEFAULT_AUGMENTATION,
  DEFAULT_FIXTURES_DIR,
  describeBackend,
  FIXTURE_FILES,
  initBackend,
  resolveDataDir,
  runTransfer,
  terminalTable,
  TRANSFER_COLUMNS,
  TRANSFER_DEFAULTS,
  TRANSFER_METHODS,
  type TransferMethod,
} from '@letters/training';
import { command, informer, printJson } from '../command.ts';
import { parseQueueUrl, queueFolds } from '../queue/run-queue.ts';
import { backendOptions, dataDirOption, seedOption } from '../training-options.ts';

function parseMethods(value: string): TransferMethod[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(TRANSFER_METHODS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new LettersError(`--methods: unknown method ${unknown.join(', ')}; use a comma-separated list of ${TRANSFER_METHODS.join(', ')}`, { kind: 'usage' });
  return [...new Set(names)] as TransferMethod[];
}

export const transfer = command(
  (cli) =>
    cli
      .option('base', { type: 'string', demandOption: true, describe: 'Model directory of the EMNIST Letters model (28x28x1 in, 27 classes out)' })
      .option('data-dir', { ...dataDirOption, describe: `${dataDirOption.describe}: binaryalphadigits.npz or binaryalphadigs.mat in it (or the file itself)` })
      .option('dataset', {
        choices: ['binaryalphadigits', 'fixtures-alphadigits'] as const,
        default: 'binaryalphadigits' as const,
        describe: 'Binary AlphaDigits from --data-dir, or the generated ones (synthetic)',
      })
      .option('methods', { type: 'string', default: TRANSFER_DEFAULTS.methods.join(','), describe: `Comma-separated: ${TRANSFER_METHODS.join(', ')}` })
      .option('k', { type: 'number', default: TRANSFER_DEFAULTS.k, describe: 'Folds of the stratified cross-validation' })
      .option('seed', seedOption(TRANSFER_DEFAULTS.seed, 'Seed of the folds, shuffles, augmentation and the scratch initialization'))
      .option('seeds', { type: 'number', default: TRANSFER_DEFAULTS.seeds, describe: 'Trainings per method and fold, seeds --seed, --seed + 1, ... (a 95% interval over seeds from 2)' })
      .option('epochs', { type: 'number', default: TRANSFER_DEFAULTS.epochs, describe: 'Epochs of every trained method' })
      .option('batch-size', { type: 'number', default: TRANSFER_DEFAULTS.batchSize })
      .option('fine-tune-layers', { type: 'number', describe: 'Conv/Dense layers fine-tuning unfreezes, from the output down [default: all]' })
      .option('learning-rate', { type: 'number', default: TRANSFER_DEFAULTS.learningRate, describe: 'Adam learning rate of feature extraction and scratch' })
      .option('fine-tune-learning-rate', { type: 'number', default: TRANSFER_DEFAULTS.fineTuneLearningRate, describe: 'Adam learning rate of fine-tuning' })
      .option('augment', { type: 'boolean', default: true, describe: 'Seeded on-the-fly rotation/shift/zoom/shear of the training folds' })
      .option('out', { type: 'string', default: './runs', describe: 'Folder for transfer.json, transfer.md, transfer-figures/ and the final model transfer/' })
      .option('queue', { type: 'string', describe: 'Share the fold trainings out through a Redis queue (redis://host:port) to `letters worker`s' })
      .options(backendOptions)
      .example('$0 transfer --base runs/baseline-convnet --data-dir ../shared/data', 'all four methods, 5-fold CV')
      .example('$0 transfer --base runs/tuned --methods fine-tune,scratch --k 3 --epochs 10', 'a quicker comparison')
      .example('$0 transfer --base runs/tune/best --seeds 3 --queue redis://10.0.0.5:6379', 'every method x fold x seed trained by `letters worker`s; the final model here'),
  async (args) => {
    const methods = parseMethods(args.methods);
    if (args.queue !== undefined) parseQueueUrl(args.queue); // a bad address fails before any work
    await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs: [args.base] });
    await checkOutput(join(args.out, 'transfer'), { kind: 'folder', of: 'model' }, { option: '--out', inputs: [args.base] });
    const backend = await initBackend({ backend: args.backend, threads: args.threads });
    const log = informer(args);
    log(describeBackend(backend));
    const report = await runTransfer({
      base: args.base,
      data: args.dataset === 'fixtures-alphadigits' ? join(DEFAULT_FIXTURES_DIR, FIXTURE_FILES.alphaDigits) : resolveDataDir(args.dataDir),
      out: args.out,
      methods,
      k: args.k,
      seed: args.seed,
      seeds: args.seeds,
      epochs: args.epochs,
      batchSize: args.batchSize,
      fineTuneLayers: args.fineTuneLayers,
      learningRate: args.learningRate,
      fineTuneLearningRate: args.fineTuneLearningRate,
      augmentation: args.augment ? DEFAULT_AUGMENTATION : false,
      ...(args.queue === undefined ? {} : { runFolds: queueFolds({ url: args.queue, dataset: args.dataset, log }) }),
      quiet: args.quiet || args.json,
      log,
    });
    if (args.json) {
      printJson(report);
      return;
    }
    process.stdout.write(`${terminalTable(report.rows, TRANSFER_COLUMNS)}\n`);
    const { test } = report.final;
    process.stdout.write(`final model: ${report.final.method}, saved in ${report.final.dir}; held-out test split: accuracy ${test.accuracy.toFixed(4)}, loss ${test.loss.toFixed(4)} (${test.count} images)\n`);
    process.stdout.write(`wrote ${['transfer.json', 'transfer.md', 'transfer-figures/'].map((f) => join(args.out, f)).join(', ')}\n`);
  },
);
