/** `letters data fetch` (get EMNIST Letters) and `letters data inspect` (a labelled grid of samples). */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { LettersError } from '@letters/contract';
import { checkOutput } from '@letters/contract/node';
import {
  classCountTable,
  DATASET_DEFAULTS,
  defaultLettersDataset,
  EMNIST_GZIP_URL,
  fetchEmnist,
  inspectDataset,
  loadDataset,
  resolveDataDir,
  terminalTable,
} from '@letters/training';
import { command, printJson, type CommandContext } from '../command.ts';
import { dataDirOption, datasetList, datasetOption, seedOption } from '../training-options.ts';

const fetchCommand = (cli: Argv<CommandContext>) =>
  cli.command(
    'fetch',
    `Download the official EMNIST archive (${EMNIST_GZIP_URL}) and extract the Letters files, or take them from --from`,
    (y) =>
      y
        .option('data-dir', dataDirOption)
        .option('from', { type: 'string', describe: 'Use local files: a folder with the four EMNIST Letters .gz files or gzip.zip, or gzip.zip itself' })
        .option('sha256', { type: 'string', describe: 'Expected sha256 of gzip.zip (checked when given)' })
        .option('force', { type: 'boolean', default: false, describe: 'Fetch again even when the Letters files are there' })
        .example('$0 data fetch', 'download gzip.zip into ./data and extract EMNIST Letters')
        .example('$0 data fetch --from ~/Downloads', 'use a gzip.zip (or the .gz files) downloaded elsewhere'),
    async (args) => {
      const inputs = args.from === undefined ? [] : [args.from];
      await checkOutput(resolveDataDir(args.dataDir), { kind: 'collection' }, { option: '--data-dir', inputs });
      const result = await fetchEmnist({ dataDir: args.dataDir, from: args.from, sha256: args.sha256, force: args.force, quiet: args.quiet || args.json });
      if (args.json) {
        printJson(result);
        return;
      }
      const how = { present: 'already present', download: `downloaded from ${EMNIST_GZIP_URL}`, local: `copied from ${args.from}` }[result.origin];
      process.stdout.write(`EMNIST Letters: ${result.trainImages} train and ${result.testImages} test images (${how})\n`);
      process.stdout.write(`${terminalTable(result.files, [{ header: 'file', value: (file) => file }])}\n`);
      const dataDir = args.dataDir === undefined ? '' : ` --data-dir ${args.dataDir}`;
      process.stdout.write(`next: letters data inspect --dataset emnist-letters${dataDir}\n`);
    },
  );

const inspectCommand = (cli: Argv<CommandContext>) =>
  cli.command(
    'inspect',
    'Write a PNG grid of random labelled samples (are images upright, do labels match?) and print class counts',
    (y) =>
      y
        .option('dataset', datasetOption('Dataset to look at [default: emnist-letters when present, else byclass-letters]'))
        .option('data-dir', dataDirOption)
        .option('out', { type: 'string', default: join('runs', 'inspect'), describe: 'Folder for <dataset>-samples.png' })
        .option('count', { type: 'number', default: 64, describe: 'Images in the grid' })
        .option('seed', seedOption(DATASET_DEFAULTS.seed, 'Seed of the split and of the sample'))
        .epilogue(datasetList())
        .example('$0 data inspect --dataset byclass-letters --data-dir ../shared/data', 'grid of ByClass letters, case-merged'),
    async (args) => {
      if (!(Number.isInteger(args.count) && args.count > 0)) throw new LettersError(`--count ${args.count}: use a positive integer`, { kind: 'usage' });
      await checkOutput(args.out, { kind: 'collection' }, { option: '--out' });
      const dataset = args.dataset ?? defaultLettersDataset(args.dataDir);
      const data = await loadDataset(dataset, { dataDir: args.dataDir, seed: args.seed });
      const result = await inspectDataset(data, { out: join(args.out, `${dataset}-samples.png`), count: args.count, seed: args.seed });
      if (args.json) {
        printJson({ ...result, source: data.source });
        return;
      }
      process.stdout.write(`${data.source.description}: ${data.train.count} train, ${data.validation.count} validation, ${data.test.count} test images\n`);
      process.stdout.write(`${classCountTable(result)}\n`);
      process.stdout.write(`wrote ${result.png} (${result.shown} random images with their labels)\n`);
    },
  );

export const data = command(
  (cli) => inspectCommand(fetchCommand(cli)).demandCommand(1, 'Name a data command: fetch or inspect'),
  async () => {},
);
