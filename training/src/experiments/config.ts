import { z } from 'zod';
import { OPTIMIZERS } from '../fit/optimizers.ts';
import {
  ACTIVATIONS,
  ARCHITECTURES,
  BATCH_NORM_PLACEMENTS,
  convOutputSize,
  INITIALIZERS,
  PADDINGS,
  POOLINGS,
  type ModelConfig,
} from '../models/config.ts';

/**
 * An experiment: one flat, declarative object in which each technique the study varies is one
 * setting (initializer, activation, optimizer + learningRate + schedule, batchNorm, augmentation,
 * l2, dropout, earlyStopping, pooling) next to the architecture (filters, convsPerBlock,
 * denseUnits). Grid files hold these as JSON; the schema below is the one source of the type.
 */
const rate = z.number().min(0).max(0.9);

const modelSettings = {
  architecture: z.enum(ARCHITECTURES),
  filters: z.array(z.number().int().min(1).max(1024)).max(8).readonly(),
  convsPerBlock: z.number().int().min(1).max(4),
  padding: z.enum(PADDINGS),
  denseUnits: z.array(z.number().int().min(1).max(8192)).max(8).readonly(),
  activation: z.enum(ACTIVATIONS),
  initializer: z.enum(INITIALIZERS),
  batchNorm: z.enum(BATCH_NORM_PLACEMENTS),
  pooling: z.enum(POOLINGS),
  l2: z.number().min(0).max(1),
  dropout: z.strictObject({ conv: rate, dense: rate }),
  /** Model outputs; normally absent (it follows the dataset). When given, the dataset must match. */
  numClasses: z.number().int().min(2).max(256).optional(),
};

const schedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), every: z.number().int().min(1), factor: z.number().gt(0).max(1) }),
  z.strictObject({ kind: z.literal('exponential'), rate: z.number().gt(0).max(1) }),
]);

const trainingSettings = {
  optimizer: z.enum(OPTIMIZERS),
  learningRate: z.number().gt(0).max(10),
  schedule,
  /** false, or the maximum of each random warp. */
  augmentation: z.union([
    z.literal(false),
    z.strictObject({
      rotation: z.number().min(0).max(90),
      shift: z.number().min(0).max(0.5),
      zoom: z.number().min(0).max(0.9),
      shear: z.number().min(0).max(60),
    }),
  ]),
  /** false, or stop after `patience` epochs without a better validation loss. */
  earlyStopping: z.union([
    z.literal(false),
    z.strictObject({ patience: z.number().int().min(1), restoreBestWeights: z.boolean() }),
  ]),
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(8192),
};

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names a directory)');

/** Every setting a variant may override. */
export const settingsSchema = z.strictObject({ ...modelSettings, ...trainingSettings });

export const experimentSchema = z.strictObject({ name, ...modelSettings, ...trainingSettings }).superRefine((config, context) => {
  if (config.architecture === 'convnet' && config.filters.length === 0) {
    context.addIssue({ code: 'custom', path: ['filters'], message: 'a convnet needs at least one conv block' });
  }
  if (config.architecture === 'convnet' && convOutputSize(config) < 1) {
    context.addIssue({
      code: 'custom',
      path: ['filters'],
      message: `${config.filters.length} blocks of ${config.convsPerBlock} ${config.padding} convs shrink 28x28 images to nothing; use fewer blocks or padding "same"`,
    });
  }
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ExperimentSettings = z.infer<typeof settingsSchema>;
export type TrainingSettings = Omit<ExperimentSettings, keyof ModelConfig>;

/** Formats a zod error as one line per issue: `file: where.key: problem` (`prefix` locates the object in the file). */
export function describeIssues(error: z.ZodError, file: string, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const keys = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 && prefix === '' ? '' : '.'}${String(p)}`));
      const path = prefix + keys.join('');
      return `${file}: ${path === '' ? '' : `${path}: `}${issue.message}`;
    })
    .join('; ');
}
