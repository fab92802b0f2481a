import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  backendOptions,
  dataDirOption,
  DATASET_DEFAULTS,
  DEFAULT_GRID_FILE,
  LettersError,
  writeFileAtomic,
  type LettersCommand,
} from '@letters/training';
import { PROFILES, runStudy, type StudyResults } from './pipeline.ts';
import { SYNTHETIC_WARNING } from './study-data.ts';
import { writeStudyReport } from './study-report.ts';

const RESULTS_FILE = 'results.json';

/** `letters pipeline`: the whole study, end to end. */
const pipelineCommand: LettersCommand = (cli) =>
  cli.command(
    'pipeline',
    'Run the whole study: data, baselines, tuning, tuned model, transfer, ONNX export, evaluation and parity on both runtimes, report',
    (y) =>
      y
        .option('data-dir', dataDirOption)
        .option('out', { type: 'string', default: 'runs', describe: 'Output folder: models, <name>.onnx, tables, report/' })
        .option('quick', { type: 'boolean', default: false, describe: 'A first look in a few minutes: a data subset, fewer epochs' })
        .option('download', { type: 'boolean', default: true, describe: 'Download EMNIST when the data directory has none (--no-download: never)' })
        .option('grid', { type: 'string', default: DEFAULT_GRID_FILE, describe: 'Tuning grid file' })
        .option('seed', { type: 'number', default: DATASET_DEFAULTS.seed, describe: 'Seed of splits, weights, shuffles and augmentation' })
        .options(backendOptions)
        .example('$0 pipeline --data-dir ../shared/data', 'the full study on local data')
        .example('$0 pipeline --quick', 'a few minutes; the generated letters when no EMNIST data is found'),
    async (args) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const profileName = args.quick ? 'quick' : 'full';
      const results = await runStudy({
        out: args.out,
        ...(args.dataDir ? { dataDir: args.dataDir } : {}),
        profile: PROFILES[profileName],
        profileName,
        seed: args.seed,
        backend: args.backend,
        threads: args.threads,
        download: args.download,
        grid: args.grid,
        quiet: args.quiet || args.json,
        log,
      });
      await writeFileAtomic(join(args.out, RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
      const report = await writeStudyReport(results);
      if (results.data.synthetic) log(`\n${SYNTHETIC_WARNING}\n`);
      if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else process.stdout.write(`report: ${resolve(report.html)}\n        ${resolve(report.markdown)}\n`);
    },
  );

/** `letters report`: writes the report again from a finished run's results, e.g. after an upgrade of the toolkit. */
const reportCommand: LettersCommand = (cli) =>
  cli.command(
    'report',
    "Write the study's report again from a finished pipeline run",
    (y) => y.option('out', { type: 'string', default: 'runs', describe: 'The pipeline output folder' }),
    async (args) => {
      const path = join(args.out, RESULTS_FILE);
      const text = await readFile(path, 'utf8').catch(() => {
        throw new LettersError(`${path}: not found; run \`letters pipeline --out ${args.out}\` first`);
      });
      const results = JSON.parse(text) as StudyResults;
      if (results.environment === undefined) {
        throw new LettersError(`${path}: written by an older letters; run \`letters pipeline --out ${args.out}\` again (finished stages are reused)`);
      }
      const report = await writeStudyReport(results);
      process.stdout.write(`report: ${resolve(report.html)}\n`);
    },
  );

export const pipelineCommands: LettersCommand = (cli) => reportCommand(pipelineCommand(cli));
