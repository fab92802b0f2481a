import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  budgetPlan,
  createTrainStep,
  describeBudgetPlan,
  describePlan,
  describeBackend,
  findLeakage,
  initBackend,
  inspectDataset,
  readGrid,
  reproduceSeedTable,
  runTransfer,
  TRANSFER_DEFAULTS,
  tune,
  tuningSample,
  writeChart,
  confusionMatrixChart,
  type BackendChoice,
  type BackendInfo,
  type DatasetSource,
  type DatasetSplits,
  type ExperimentResult,
  type InspectResult,
  type LeakageReport,
  type SeedTableRow,
  type TransferReport,
  type TuneReport,
} from '@letters/training';
import { IMAGE_SIZE } from '@letters/contract';
import { DEFAULT_TOLERANCE } from '@letters/export';
import {
  checkRuntimeParity,
  Classifier,
  evaluateClassifier,
  modelImages,
  PREPROCESSING,
  type Evaluation,
  type ParityResult,
} from '@letters/inference';
import { exportModelDir, type ModelDirExportReport } from '../export-model-dir.ts';
import { queueFolds, queueRuns } from '../queue/run-queue.ts';
import { tfjsProbabilities } from '../tfjs-reference.ts';
import { studyEnvironment, type StudyEnvironment } from './environment.ts';
import { StudyProgress } from './progress.ts';
import { StageCache, type StageOutcome } from './stage-cache.ts';
import { loadStudyData, type StudyData } from './study-data.ts';
import { precisionFiles, precisionStudy, type PrecisionResults } from './precisions.ts';

/** The study's results, beside its models in the output folder; `letters report` reads them. */
export const RESULTS_FILE = 'results.json';

/** How much work the study does: the full study, or `--quick`, a first look in a few minutes. */
export interface StudyProfile {
  /** At most this many images per split. */
  readonly limit?: number;
  /** Epochs of each baseline (Chollet's: 5). */
  readonly baselineEpochs: number;
  /** Runs per tuning variant (default: the grid's). */
  readonly tuneSeeds?: number;
  /** At most this many epochs per tuning run (default: the grid's convergence rule). */
  readonly tuneEpochs?: number;
  /** Plan tuning's seeds and epochs to fit this many minutes (instead of tuneSeeds and tuneEpochs). */
  readonly tuneMinutes?: number;
  /** Epochs of each trained transfer method per fold. */
  readonly transferEpochs: number;
  /** Cross-validation folds of the transfer comparison. */
  readonly transferFolds: number;
  /** Trainings per transfer method and fold (seeds seed, seed + 1, ...). */
  readonly transferSeeds: number;
  /** Images per parity batch. */
  readonly parityImages: number;
}

export const PROFILES = {
  full: { baselineEpochs: 5, transferEpochs: TRANSFER_DEFAULTS.epochs, transferFolds: TRANSFER_DEFAULTS.k, transferSeeds: 3, parityImages: 512 },
  quick: { limit: 5000, baselineEpochs: 2, tuneMinutes: 4, transferEpochs: 5, transferFolds: 3, transferSeeds: 1, parityImages: 256 },
} as const satisfies Record<string, StudyProfile>;

export interface PipelineOptions {
  readonly out: string;
  readonly dataDir?: string;
  readonly profile: StudyProfile;
  readonly profileName: string;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly download: boolean;
  /** Run on the generated letters without looking for EMNIST data. */
  readonly synthetic?: boolean;
  readonly grid: string;
  /** Also run the tuned model's precisions in Chromium (wasm and WebGPU); default false. */
  readonly browser?: boolean;
  /** redis://host:port: tuning's runs and transfer's fold trainings go to `letters worker`s through this queue (default: trained here). */
  readonly queue?: string;
  readonly quiet: boolean;
  readonly log: (line: string) => void;
}

/** The four models the study exports, by their file names under the output folder. */
export const MODEL_NAMES = ['baseline-dense', 'baseline-convnet', 'tuned', 'transfer'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelResult {
  readonly name: ModelName;
  readonly modelDir: string;
  readonly onnx: string;
  readonly export: ModelDirExportReport;
  readonly dataset: DatasetSource;
  readonly evaluations: readonly Evaluation[];
  readonly parity: ParityResult;
  /** Confusion matrix PNG of the onnxruntime-node evaluation. */
  readonly confusionPng: string;
}

/** Everything the report shows; each part is also on disk under the output folder. */
export interface StudyResults {
  readonly options: { readonly profile: string; readonly seed: number; readonly out: string; readonly grid: string };
  readonly backend: BackendInfo;
  readonly environment: StudyEnvironment;
  readonly data: {
    readonly synthetic: boolean;
    readonly notes: readonly string[];
    readonly letters: DatasetSource & { readonly counts: Readonly<Record<string, number>> };
    readonly digits?: DatasetSource;
    readonly transfer: DatasetSource;
  };
  readonly inspection: InspectResult;
  readonly leakage: LeakageReport;
  readonly seedTable: readonly SeedTableRow[];
  readonly tuning: TuneReport;
  readonly tuned: ExperimentResult & { readonly dir: string };
  readonly transfer: TransferReport;
  readonly models: readonly ModelResult[];
  /** The tuned model in every precision on every runtime (absent in results from before this stage existed). */
  readonly precisions?: PrecisionResults;
  readonly stages: readonly { readonly name: string; readonly cached: boolean; readonly seconds: number }[];
}

function counts(data: StudyData): Record<string, number> {
  const { train, validation, test } = data.letters;
  return { train: train.count, validation: validation.count, test: test.count };
}

/**
 * The whole study, stage by stage: data -> verification grid -> baselines -> tuning ->
 * tuned model -> transfer -> ONNX export -> evaluation and parity on both runtimes. Each stage
 * is keyed by its config and the hashes of its inputs, so a rerun redoes only what changed.
 */
export async function runStudy(options: PipelineOptions): Promise<StudyResults> {
  const { out, profile, seed, log } = options;
  const cache = new StageCache(join(out, 'stages'));
  const stages: { name: string; cached: boolean; seconds: number }[] = [];
  const progress = new StudyProgress(['inspect', 'seed-table', 'tune', 'transfer', ...MODEL_NAMES.map(exportStage), PRECISION_STAGE], log);
  const stage = async <T>(outcome: Promise<StageOutcome<T>>, name: string): Promise<StageOutcome<T>> => {
    const done = await outcome;
    stages.push({ name, cached: done.cached, seconds: done.seconds });
    progress.stageDone(name, done.cached, done.seconds);
    return done;
  };

  const backend = await initBackend({ backend: options.backend, threads: options.threads });
  log(describeBackend(backend));
  const data = await loadStudyData({
    dataDir: options.dataDir,
    seed,
    limit: profile.limit,
    download: options.download,
    synthetic: options.synthetic,
    quiet: options.quiet,
  });
  for (const note of data.notes) log(note);
  const letters = data.letters;

  const inspection = await stage(
    cache.run({
      name: 'inspect',
      inputs: { data: letters.source.hash, seed },
      outputs: (r: InspectResult) => [r.png],
      run: () => inspectDataset(letters, { out: join(out, 'data', 'samples.png'), seed, count: 64 }),
    }),
    'inspect',
  );
  const leakage = findLeakage(letters);

  const seedTable = await stage(
    cache.run({
      name: 'seed-table',
      inputs: { letters: letters.source.hash, digits: data.digits?.source.hash ?? null, epochs: profile.baselineEpochs, seed },
      outputs: (rows: SeedTableRow[]) => rows.map((r) => join(r.dir, 'model.json')),
      run: () =>
        reproduceSeedTable({
          datasets: { letters, ...(data.digits ? { digits: data.digits } : {}) },
          outDir: join(out, 'seed-table'),
          seed,
          epochs: profile.baselineEpochs,
          createTrainStep,
          quiet: options.quiet,
          log,
        }),
    }),
    'seed-table',
  );

  const gridText = await readFile(options.grid, 'utf8');
  const tuning = await stage(
    cache.run({
      name: 'tune',
      inputs: {
        data: letters.source.hash,
        grid: gridText,
        seeds: profile.tuneSeeds ?? null,
        epochs: profile.tuneEpochs ?? null,
        minutes: profile.tuneMinutes ?? null,
        seed,
      },
      outputs: (r: TuneReport) => [join(r.best.dir, 'model.json')],
      run: async () => {
        const grid = await readGrid(options.grid);
        const outDir = join(out, 'tune');
        const plan = profile.tuneMinutes === undefined ? undefined : await budgetPlan({ grid, data: letters, minutes: profile.tuneMinutes, outDir, createTrainStep });
        if (plan) log(`tuning ${describeBudgetPlan(plan)}`);
        const seeds = plan?.seeds ?? profile.tuneSeeds;
        const maxEpochs = plan?.maxEpochs ?? profile.tuneEpochs;
        const data = tuningSample(letters, plan?.images);
        return tune({
          grid,
          gridFile: options.grid,
          data,
          outDir,
          seed,
          ...(seeds === undefined ? {} : { seeds }),
          ...(maxEpochs === undefined ? {} : { maxEpochs }),
          ...(plan ? { budget: `${describePlan(grid, plan.seeds, plan.maxEpochs)}; ${describeBudgetPlan(plan)}` } : {}),
          createTrainStep,
          ...(options.queue === undefined
            ? {}
            : {
                runRuns: queueRuns({
                  url: options.queue,
                  data: {
                    dataset: letters.source.name,
                    seed,
                    ...(profile.limit === undefined ? {} : { limit: profile.limit }),
                    ...(plan?.images === undefined ? {} : { images: plan.images }),
                  },
                  dataHash: data.source.hash,
                  log,
                }),
              }),
          quiet: options.quiet,
          onRun: (run, index, total, skipped) => log(`tuning ${index + 1}/${total}: ${run.variant}, seed ${run.seed}${skipped ? ' (done earlier)' : ''}`),
        });
      },
    }),
    'tune',
  );
  // The tuned model is tuning's: the combination of what helped, over the same seeds as the baseline.
  const tunedDir = tuning.result.best.dir;
  const tuned = { ...tuning.result.best.result, dir: tunedDir };

  const transfer = await stage(
    cache.run({
      name: 'transfer',
      inputs: { base: tuning.key, data: data.transfer.source.hash, epochs: profile.transferEpochs, k: profile.transferFolds, seeds: profile.transferSeeds, seed },
      outputs: (r: TransferReport) => [join(r.final.dir, 'model.json'), join(out, 'transfer.json')],
      run: () =>
        runTransfer({
          base: tunedDir,
          data: data.transferData,
          out,
          seed,
          seeds: profile.transferSeeds,
          epochs: profile.transferEpochs,
          k: profile.transferFolds,
          createTrainStep,
          ...(options.queue === undefined
            ? {}
            : { runFolds: queueFolds({ url: options.queue, dataset: data.transfer.source.name === 'fixtures-alphadigits' ? 'fixtures-alphadigits' : 'binaryalphadigits', log }) }),
          quiet: options.quiet,
          log,
        }),
    }),
    'transfer',
  );

  const dirs: Record<ModelName, { dir: string; key: string; dataset: string }> = {
    'baseline-dense': { dir: seedTable.result.find((r) => r.model === 'dense' && r.dataset.hash === letters.source.hash)!.dir, key: seedTable.key, dataset: 'letters' },
    'baseline-convnet': { dir: seedTable.result.find((r) => r.model === 'convnet')!.dir, key: seedTable.key, dataset: 'letters' },
    tuned: { dir: tunedDir, key: tuning.key, dataset: 'letters' },
    transfer: { dir: transfer.result.final.dir, key: transfer.key, dataset: 'transfer' },
  };
  const models: ModelResult[] = [];
  for (const name of MODEL_NAMES) {
    const { dir, key } = dirs[name];
    const testData = dirs[name].dataset === 'letters' ? letters : data.transfer;
    const done = await stage(
      cache.run({
        name: `model-${name}`,
        inputs: { model: key, data: testData.source.hash, parityImages: profile.parityImages },
        outputs: (r: ModelResult) => [r.onnx, r.confusionPng],
        run: () => exportAndEvaluate(name, dir, testData, join(out, `${name}.onnx`), join(out, 'evaluation', name), profile.parityImages),
      }),
      exportStage(name),
    );
    models.push(done.result);
  }
  const browser = options.browser ?? false;
  const precisions = await stage(
    cache.run({
      name: 'precisions-tuned',
      inputs: { model: dirs.tuned.key, data: letters.source.hash, images: profile.parityImages, browser },
      outputs: precisionFiles,
      run: () => precisionStudy(join(out, 'tuned.onnx'), letters, { images: profile.parityImages, browser, seed }),
    }),
    PRECISION_STAGE,
  );

  return {
    options: { profile: options.profileName, seed, out, grid: options.grid },
    backend,
    environment: studyEnvironment(),
    data: {
      synthetic: data.synthetic,
      notes: data.notes,
      letters: { ...letters.source, counts: counts(data) },
      ...(data.digits ? { digits: data.digits.source } : {}),
      transfer: data.transfer.source,
    },
    inspection: inspection.result,
    leakage,
    seedTable: seedTable.result,
    tuning: tuning.result,
    tuned,
    transfer: transfer.result,
    models,
    precisions: precisions.result,
    stages,
  };
}

/** The tuned model quantized to every precision and run on every runtime. */
const PRECISION_STAGE = 'precisions tuned';

/** The name of a model's export-and-evaluation stage. */
const exportStage = (name: ModelName) => `export+evaluate ${name}`;

/** Exports a model directory to ONNX, evaluates it on both runtimes and checks their parity with tfjs. */
async function exportAndEvaluate(
  name: ModelName,
  modelDir: string,
  data: DatasetSplits,
  onnx: string,
  evaluationDir: string,
  parityImages: number,
): Promise<ModelResult> {
  // The parity check at export also runs real test images, and the file documents how to prepare a picture.
  const exported = await exportModelDir(modelDir, onnx, { images: data.test, preprocessing: PREPROCESSING });
  const evaluations: Evaluation[] = [];
  for (const runtime of ['node', 'web'] as const) {
    const classifier = await Classifier.create(onnx, { runtime });
    try {
      evaluations.push(await evaluateClassifier(classifier, data.test));
    } finally {
      await classifier.close();
    }
  }
  const count = Math.min(parityImages, data.test.count);
  const images = modelImages({ data: data.test.images.subarray(0, count * IMAGE_SIZE * IMAGE_SIZE), count });
  const parity = await checkRuntimeParity(
    onnx,
    { images, count, description: `the first ${count} test images of ${data.source.name}` },
    { references: [{ name: 'tfjs', probabilities: await tfjsProbabilities(modelDir, images, count) }], tolerance: DEFAULT_TOLERANCE },
  );
  const node = evaluations[0]!;
  const chart = await confusionMatrixChart(node.confusion, node.labels, {
    title: `${name} on ${data.source.name} test: accuracy ${(100 * node.accuracy).toFixed(2)}%`,
  });
  const confusion = join(evaluationDir, 'confusion');
  await writeChart(chart, confusion);
  return { name, modelDir, onnx, export: exported, dataset: data.source, evaluations, parity, confusionPng: `${confusion}.png` };
}
