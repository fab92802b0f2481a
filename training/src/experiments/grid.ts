import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LettersError, readRegularFile } from '../common/index.ts';
import { describeIssues, experimentSchema, settingsSchema, type ExperimentConfig } from './config.ts';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.ts';

/**
 * A tuning grid (JSON): a base preset, settings shared by every variant, and the variants, each
 * a name plus the settings it changes (from the base, or from another preset named by "preset"). A variant named "baseline" (added when absent) is the base
 * unchanged; every row of the results table is compared with it.
 *
 *   { "base": "convnet", "settings": { "epochs": 5 },
 *     "variants": [ { "name": "baseline" }, { "name": "he-normal", "initializer": "heNormal" } ] }
 */
const preset = z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]);
/** A variant: its name, optionally another preset to start from, and the settings it changes. */
const variantSchema = settingsSchema.partial().extend({ name: z.string(), preset: preset.optional() }).strict();
const gridSchema = z.strictObject({
  description: z.string().optional(),
  base: preset.default('convnet'),
  settings: settingsSchema.partial().default({}),
  variants: z.array(variantSchema).min(1),
});

export interface Grid {
  readonly description?: string;
  readonly base: PresetName;
  /** Fully resolved, validated configs; the first is the baseline. */
  readonly variants: readonly ExperimentConfig[];
}

export const BASELINE = 'baseline';

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
  // A config is a few KB: a regular file of at most 1 MB (a symlink to /dev/zero is refused, not read forever).
  const text = new TextDecoder().decode(
    await readRegularFile(path, 1024 * 1024, what).catch((error: unknown) => {
      throw new LettersError(`${(error as Error).message}; pass a ${what} (.json)`, { cause: error });
    }),
  );
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
  const variants = grid.variants.some((v) => v.name === BASELINE) ? grid.variants : [{ name: BASELINE }, ...grid.variants];
  const resolved = variants.map(({ preset, ...variant }) => {
    const config = { ...PRESETS[preset ?? grid.base], ...grid.settings, ...variant };
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
    variants: [baseline, ...resolved.filter((v) => v !== baseline)],
  };
}
