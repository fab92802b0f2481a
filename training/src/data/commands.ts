/** The `letters data` commands: fetch (get EMNIST Letters) and inspect (a labelled grid of samples). */
import type { Argv } from 'yargs';
import { terminalTable, type CommandContext, type LettersCommand } from '../common/index.ts';
import { DATA_DIR_ENV } from './data-dir.ts';
import { EMNIST_GZIP_URL, fetchEmnist } from './fetch.ts';

const dataDirOption = {
  type: 'string',
  describe: `Data directory (default: $${DATA_DIR_ENV}, else ./data)`,
} as const;

function fetchCommand(cli: Argv<CommandContext>): Argv<CommandContext> {
  return cli.command(
    'fetch',
    `Download the official EMNIST archive (${EMNIST_GZIP_URL}) and extract the Letters files, or take them from --from`,
    (command) =>
      command
        .option('data-dir', dataDirOption)
        .option('from', { type: 'string', describe: 'Use local files: a folder with the four EMNIST Letters .gz files or gzip.zip, or gzip.zip itself' })
        .option('sha256', { type: 'string', describe: 'Expected sha256 of gzip.zip (checked when given)' })
        .option('force', { type: 'boolean', default: false, describe: 'Fetch again even when the Letters files are there' })
        .example('$0 data fetch', 'download gzip.zip into ./data and extract EMNIST Letters')
        .example('$0 data fetch --from ~/Downloads', 'use a gzip.zip (or the .gz files) downloaded elsewhere'),
    async (args) => {
      const result = await fetchEmnist({ dataDir: args.dataDir, from: args.from, sha256: args.sha256, force: args.force, quiet: args.quiet || args.json });
      if (args.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const how = { present: 'already present', download: `downloaded from ${EMNIST_GZIP_URL}`, local: `copied from ${args.from}` }[result.origin];
      process.stdout.write(`EMNIST Letters: ${result.trainImages} train and ${result.testImages} test images (${how})\n`);
      process.stdout.write(`${terminalTable(result.files, [{ header: 'file', value: (file) => file }])}\n`);
    },
  );
}

/** Adds `letters data <fetch|inspect>`. */
export const dataCommands: LettersCommand = (cli) =>
  cli.command('data', 'Get and inspect datasets (EMNIST, Binary AlphaDigits, fixtures)', (data) =>
    fetchCommand(data).demandCommand(1, 'Name a data command: fetch or inspect'),
  );
