import { LettersError } from '../common/index.ts';
import type { DatasetSplits } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import type { Callback } from '../fit/callback.ts';
import { EarlyStopping } from '../fit/early-stopping.ts';
import { evaluateModel } from '../fit/evaluate.ts';
import { fit } from '../fit/fit.ts';
import type { TrainingHistory } from '../fit/history.ts';
import { ModelCheckpoint } from '../fit/model-checkpoint.ts';
import { createOptimizer } from '../fit/optimizers.ts';
import { ProgressBar } from '../fit/progress.ts';
import { removeResumeCheckpoint } from '../fit/resume.ts';
import { LearningRateScheduler } from '../fit/schedules.ts';
import { TimeLimit } from '../fit/time-limit.ts';
import { buildModel } from '../models/build.ts';
import { saveModel, type EvaluationMetrics } from '../models/io.ts';
import type { ExperimentConfig } from './config.ts';

export interface RunOptions {
  readonly data: DatasetSplits;
  /** The model directory to write (model.json, weights.bin, config.json, history.json, metrics.json, dataset.json). */
  readonly outDir: string;
  /** Seeds the initial weights, the shuffles, the augmentation and the dropout masks. */
  readonly seed: number;
  readonly createTrainStep: CreateTrainStep;
  /** Evaluate on the test split and store metrics.json (tuning leaves the test split alone). */
  readonly evaluateTest: boolean;
  /** Stop when another epoch would overrun this many seconds. */
  readonly timeLimitSeconds?: number;
  readonly quiet?: boolean;
  /** Prefix of progress lines (the variant name in a tuning run). */
  readonly label?: string;
}

export interface ExperimentResult {
  readonly name: string;
  readonly config: ExperimentConfig;
  readonly history: TrainingHistory;
  /** Last epoch's training loss and accuracy, as Keras reports them (dropout on, running mean). */
  readonly train: { readonly loss: number; readonly accuracy: number };
  /** Of the final model (after early stopping restored the best weights). */
  readonly validation: EvaluationMetrics;
  readonly test?: EvaluationMetrics;
  readonly epochs: number;
  /** Training time summed over epochs, including those of an interrupted earlier run. */
  readonly seconds: number;
  readonly resumedEpochs: number;
  readonly params: number;
}

/** The class count a config trains for: the dataset's, which a config's explicit `numClasses` must equal. */
export function checkClassCount(config: ExperimentConfig, data: DatasetSplits, where: string): number {
  const classes = data.train.numClasses;
  if (config.numClasses !== undefined && config.numClasses !== classes) {
    throw new LettersError(
      `${where}: numClasses is ${config.numClasses}, but dataset ${data.source.name} has ${classes} classes; ` +
        'remove numClasses or pick a matching --dataset',
    );
  }
  return classes;
}

/**
 * Trains one experiment into a model directory: builds the model, fits it with the configured
 * callbacks (best-model checkpoint, resume checkpoint beside the directory as `<outDir>.resume`),
 * evaluates it and saves the final model with its config, history, metrics and dataset.
 * Rerunning an interrupted experiment continues from its last completed epoch.
 */
export async function runExperiment(config: ExperimentConfig, options: RunOptions): Promise<ExperimentResult> {
  const { data, outDir } = options;
  const numClasses = checkClassCount(config, data, `experiment ${config.name}`);
  const model = buildModel(config, { numClasses, height: data.train.height, width: data.train.width, seed: options.seed });
  const optimizer = createOptimizer({ name: config.optimizer, learningRate: config.learningRate });
  const extras = { config, dataset: data.source };
  const callbacks: Callback[] = [new ProgressBar({ quiet: options.quiet, label: options.label })];
  if (config.schedule.kind !== 'constant') callbacks.push(new LearningRateScheduler(config.schedule, config.learningRate));
  if (config.earlyStopping) callbacks.push(new EarlyStopping({ ...config.earlyStopping, monitor: 'valLoss' }));
  callbacks.push(new ModelCheckpoint(outDir, { monitor: 'valLoss', extras }));
  if (options.timeLimitSeconds !== undefined) callbacks.push(new TimeLimit(options.timeLimitSeconds));

  const resumeDir = `${outDir}.resume`;
  // Everything that changes the trajectory of training, except the number of epochs (a longer run may continue a shorter one).
  const fingerprint = JSON.stringify({ ...config, epochs: undefined, data: data.source.hash, seed: options.seed });
  const history = await fit(model, data.train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: options.seed,
    optimizer,
    createTrainStep: options.createTrainStep,
    validation: data.validation,
    augmentation: config.augmentation || undefined,
    callbacks,
    resume: { dir: resumeDir, fingerprint },
  });
  const validation = await evaluateModel(model, data.validation, 'validation');
  const test = options.evaluateTest ? await evaluateModel(model, data.test, 'test') : undefined;
  const { resumedEpochs, ...trainingHistory } = history;
  await saveModel(model, outDir, { ...extras, history: trainingHistory, ...(test ? { metrics: test } : {}) });
  await removeResumeCheckpoint(resumeDir);
  const last = history.epochs.at(-1);
  const result: ExperimentResult = {
    name: config.name,
    config,
    history: trainingHistory,
    train: { loss: last?.loss ?? NaN, accuracy: last?.accuracy ?? NaN },
    validation,
    ...(test ? { test } : {}),
    epochs: history.epochs.length,
    seconds: history.epochs.reduce((sum, e) => sum + e.seconds, 0),
    resumedEpochs,
    params: model.countParams(),
  };
  model.dispose();
  optimizer.dispose();
  return result;
}
