/** `letters pipeline`: the whole study, end to end, and its report. */
import { join, resolve } from 'node:path';
import { checkOutput, writeFileAtomic } from '@letters/contract/node';
import { DATASET_DEFAULTS, terminalTable } from '@letters/training';
import { command, informer, printJson, warn } from '../command.ts';
import { PROFILES, RESULTS_FILE, runStudy } from '../pipeline/pipeline.ts';
import { parseQueueUrl } from '../queue/run-queue.ts';
import { SYNTHETIC_WARNING } from '../pipeline/study-data.ts';
import { REPORT_DIR, summaryTable, writeStudyReport } from '../report/study-report.ts';
import { backendOptions, dataDirOption, gridOption, seedOption } from '../training-options.ts';

export const pipeline = command(
  (cli) =>
    cli
      .option('data-dir', dataDirOption)
      .option('out', { type: 'string', default: 'runs', describe: 'Output folder: models, <name>.onnx, tables, report/' })
      .option('quick', { type: 'boolean', default: false, describe: 'A first look in a few minutes: a data subset, fewer epochs' })
      .option('download', { type: 'boolean', default: true, describe: 'Download EMNIST when the data directory has none (--no-download: never)' })
      .option('synthetic', {
        // No default: yargs counts a default as given, and --data-dir would always conflict with it.
        type: 'boolean',
        describe: "Run on the toolkit's generated letters, without looking for or downloading EMNIST (numbers not comparable)",
      })
      .conflicts('synthetic', 'data-dir')
      .option('grid', gridOption('Tuning grid file'))
      .option('browser', { type: 'boolean', default: true, describe: "Run the tuned model's precisions in Chromium too, on wasm and WebGPU (--no-browser: Node runtimes only)" })
      .option('seed', seedOption(DATASET_DEFAULTS.seed, 'Seed of splits, weights, shuffles and augmentation'))
      .option('queue', { type: 'string', describe: 'Share the tuning and transfer runs out through a Redis queue (redis://host:port) to `letters worker`s' })
      .options(backendOptions)
      .example('$0 pipeline --data-dir ../shared/data', 'the full study on local data')
      .example('$0 pipeline --data-dir ../shared/data --queue redis://10.0.0.5:6379', 'the same, its tuning and transfer runs trained by workers on other machines')
      .example('$0 pipeline --quick', 'a first look; EMNIST from ./data or the official download, else the generated letters')
      .example('$0 pipeline --quick --synthetic', 'a first look on the generated letters, offline'),
  async (args) => {
    if (args.queue !== undefined) parseQueueUrl(args.queue); // a bad address fails before any work
    const log = informer(args);
    const profileName = args.quick ? 'quick' : 'full';
    const inputs = [args.dataDir, args.grid].filter((input) => input !== undefined);
    await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs });
    await checkOutput(join(args.out, REPORT_DIR), { kind: 'folder', of: 'report' }, { option: '--out', inputs });
    const results = await runStudy({
      out: args.out,
      ...(args.dataDir ? { dataDir: args.dataDir } : {}),
      profile: PROFILES[profileName],
      profileName,
      seed: args.seed,
      backend: args.backend,
      threads: args.threads,
      download: args.download,
      synthetic: args.synthetic ?? false,
      grid: args.grid,
      browser: args.browser,
      ...(args.queue === undefined ? {} : { queue: args.queue }),
      quiet: args.quiet || args.json,
      log,
    });
    await writeFileAtomic(join(args.out, RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
    const report = await writeStudyReport(results);
    if (results.data.synthetic) warn(SYNTHETIC_WARNING);
    if (args.json) {
      printJson(results);
      return;
    }
    process.stdout.write(`${summaryTable(results, terminalTable)}\nreport: ${resolve(report.html)}\n        ${resolve(report.markdown)}\n`);
  },
);
