/**
 * The engine's done-when check: one epoch of Chollet's convnet on the case-merged ByClass letters
 * (wasm backend) must reach at least 85% validation accuracy.
 *
 *   npx tsx training/bench/convnet-epoch-check.ts [--threads 2] [--data-dir ../shared/data]
 *
 * Exits non-zero below the bar. A script, not a test: it trains on ~47,000 real images.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadDataset } from '../src/data/index.ts';
import { createTrainStep, describeBackend, initBackend } from '../src/engine/index.ts';
import { createOptimizer, fit, ProgressBar } from '../src/fit/index.ts';
import { buildModel, CONVNET_MODEL } from '../src/models/index.ts';

const bar = 0.85;
const args = yargs(hideBin(process.argv))
  .option('threads', { type: 'number', default: 2 })
  .option('data-dir', { type: 'string', describe: 'Folder with the EMNIST files (default: the toolkit data folder)' })
  .strict()
  .parseSync();

const backend = await initBackend({ backend: 'wasm', threads: args.threads });
console.log(describeBackend(backend));
const data = await loadDataset('byclass-letters', { dataDir: args.dataDir });
console.log(`${data.source.description}: ${data.train.count} train, ${data.validation.count} validation images`);
const model = buildModel(CONVNET_MODEL, { numClasses: 27, seed: 1 });
const optimizer = createOptimizer({ name: 'rmsprop', learningRate: 0.001 });
const result = await fit(model, data.train, {
  epochs: 1,
  batchSize: 128,
  seed: 1,
  optimizer,
  createTrainStep,
  validation: data.validation,
  callbacks: [new ProgressBar()],
});
const epoch = result.epochs[0]!;
const images = data.train.count / epoch.seconds;
console.log(
  `1 epoch: train accuracy ${epoch.accuracy.toFixed(4)}, validation accuracy ${epoch.valAccuracy!.toFixed(4)} ` +
    `(bar ${bar}), ${epoch.seconds.toFixed(0)} s, ${images.toFixed(0)} images/s including validation`,
);
process.exit(epoch.valAccuracy! >= bar ? 0 : 1);
