import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LettersError } from '../common/index.ts';
import { describeIssues, experimentSchema, settingsSchema, type ExperimentConfig } from './config.ts';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.ts';

/**
 * A tuning grid (JSON): a base preset, the seeds per variant, the convergence rule, settings shared
 * by every variant, and the variants, each a name plus the settings it changes (from the base, or
 * from another preset named by "preset"). A variant named "baseline" (added when absent) is the
 * base unchanged; every row of the results table is compared with it, seed by seed.
 *
 *   { "base": "convnet", "seeds": 3, "convergence": { "patience": 3, "maxEpochs": 30 },
 *     "variants": [ { "name": "baseline" }, { "name": "he-normal", "initializer": "heNormal" } ] }
 */
const preset = z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]);
/** A variant: its name, optionally another preset to start from, and the settings it changes. */
const variantSchema = settingsSchema.partial().extend({ name: z.string(), preset: preset.optional() }).strict();
/** Train each variant until the validation loss stops improving: `patience` epochs without a better one, at most `maxEpochs`. */
const convergenceSchema = z.strictObject({
  patience: z.number().int().min(1).max(100),
  maxEpochs: z.number().int().min(1).max(1000),
});
const gridSchema = z.strictObject({
  description: z.string().optional(),
  base: preset.default('convnet'),
  /** Runs per variant, with seeds seed, seed + 1, ...: every variant sees the same seeds, so differences pair up. */
  seeds: z.number().int().min(1).max(100).default(3),
  convergence: convergenceSchema.optional(),
  settings: settingsSchema.partial().default({}),
  variants: z.array(variantSchema).min(1),
});

export type Convergence = z.infer<typeof convergenceSchema>;

export interface Grid {
  readonly description?: string;
  readonly base: PresetName;
  readonly seeds: number;
  readonly convergence?: Convergence;
  /** Fully resolved, validated configs; the first is the baseline. */
  readonly variants: readonly ExperimentConfig[];
}

export const BASELINE = 'baseline';
/** The variant tuning adds: the baseline with the changes of every variant that beat it on validation. */
export const COMBINED = 'combined';

/** The grid shipped with the toolkit: each technique in isolation against the convnet, plus 'tuned'. */
export const DEFAULT_GRID_FILE = fileURLToPath(new URL('../../experiments/grid.json', import.meta.url));

/** Reads and validates a grid file; any unknown key or bad value is a LettersError naming file and key. */
export async function readGrid(path: string): Promise<Grid> {
  return parseGrid(await readJson(path, 'grid file'), path);
}

/**
 * Reads one experiment file for `letters train --model <file>`: a variant as in a grid (settings
 * changed from the convnet, or from "preset"), named after the file unless it has a "name".
 */
export async function readExperimentFile(path: string): Promise<ExperimentConfig> {
  const json = await readJson(path, 'experiment config');
  const parsed = variantSchema.partial({ name: true }).safeParse(json);
  if (!parsed.success) throw new LettersError(describeIssues(parsed.error, path));
  const { preset, ...settings } = parsed.data;
  const checked = experimentSchema.safeParse({ ...PRESETS[preset ?? 'convnet'], name: basename(path, extname(path)), ...settings });
  if (!checked.success) throw new LettersError(describeIssues(checked.error, path));
  return checked.data;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LettersError(`${path}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LettersError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Validates a grid object; `where` names it in messages (the file path). */
export function parseGrid(json: unknown, where: string): Grid {
  const parsed = gridSchema.safeParse(json);
  if (!parsed.success) throw new LettersError(describeIssues(parsed.error, where));
  const grid = parsed.data;
  const names = grid.variants.map((v) => v.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new LettersError(`${where}: two variants are named "${duplicate}"; names must be unique`);
  if (names.includes(COMBINED)) throw new LettersError(`${where}: "${COMBINED}" names the variant tuning adds; rename that variant`);
  const variants = grid.variants.some((v) => v.name === BASELINE) ? grid.variants : [{ name: BASELINE }, ...grid.variants];
  const resolved = variants.map(({ preset, ...variant }) => {
    const config = converge({ ...PRESETS[preset ?? grid.base], ...grid.settings, ...variant }, grid.convergence);
    const checked = experimentSchema.safeParse(config);
    if (!checked.success) {
      const index = grid.variants.findIndex((v) => v.name === variant.name);
      throw new LettersError(describeIssues(checked.error, where, `variants[${index}] ("${variant.name}")`));
    }
    return checked.data;
  });
  const baseline = resolved.find((v) => v.name === BASELINE)!;
  return {
    ...(grid.description === undefined ? {} : { description: grid.description }),
    base: grid.base,
    seeds: grid.seeds,
    ...(grid.convergence ? { convergence: grid.convergence } : {}),
    variants: [baseline, ...resolved.filter((v) => v !== baseline)],
  };
}

/**
 * A config trained to convergence: up to maxEpochs, stopped after `patience` epochs without a
 * better validation loss, keeping the last weights. A variant with its own early stopping keeps
 * it (restoring the best weights is the technique that variant tests).
 */
function converge<T extends { epochs: number; earlyStopping: ExperimentConfig['earlyStopping'] }>(config: T, convergence: Convergence | undefined): T {
  if (!convergence) return config;
  return {
    ...config,
    epochs: convergence.maxEpochs,
    earlyStopping: config.earlyStopping || { patience: convergence.patience, restoreBestWeights: false },
  };
}
