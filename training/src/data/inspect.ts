/**
 * The first look at a dataset: a picture of random samples with their labels (are images upright,
 * do labels match?) and the count of each class in each split.
 */
import { imageGrid } from '../charts/image-grid.ts';
import { markdownTable, terminalTable, writeFileAtomic, type Column } from '../common/index.ts';
import { createRandom } from './random.ts';
import { namedSets } from './split.ts';
import type { DatasetSplits, ImageSet } from './types.ts';

export interface InspectOptions {
  /** Path of the PNG to write. */
  readonly out: string;
  /** How many random images the grid shows (default 64). */
  readonly count?: number;
  readonly seed?: number;
  /** Text above the grid (default: the dataset's name and the sample size). */
  readonly title?: string;
}

export interface ClassCount {
  /** Class index, e.g. 1 for 'A' in Letters. */
  readonly label: number;
  readonly name: string;
  /** Images of this class per split, in split order. */
  readonly perSplit: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface InspectResult {
  /** The PNG written. */
  readonly png: string;
  /** How many images it shows. */
  readonly shown: number;
  /** Split names in order ('train', 'validation', 'test'; 'images' for a single set). */
  readonly splits: readonly string[];
  /** Every class that occurs, by class index. */
  readonly classCounts: readonly ClassCount[];
}

const SHORT_SPLIT_NAMES: Readonly<Record<string, string>> = { validation: 'val' };

/**
 * Writes a grid of `count` random images (seeded), sorted by label so that a stray image stands
 * out among its class, each captioned with its class name, split and index; returns class counts.
 */
export async function inspectDataset(
  data: ImageSet | DatasetSplits | Readonly<Record<string, ImageSet>>,
  options: InspectOptions,
): Promise<InspectResult> {
  const sets = isImageSet(data) ? ([['images', data]] as [string, ImageSet][]) : namedSets(data);
  if (sets.length === 0) throw new RangeError('inspectDataset: no image sets given');
  const [, first] = sets[0];
  const { height, width, classNames } = first;
  const size = height * width;

  const pool: { split: number; index: number }[] = [];
  sets.forEach(([, set], split) => {
    for (let index = 0; index < set.count; index++) pool.push({ split, index });
  });
  const random = createRandom(options.seed ?? 0);
  const shown = Math.min(options.count ?? 64, pool.length);
  // A partial Fisher-Yates shuffle: the first `shown` entries are a uniform sample.
  for (let i = 0; i < shown; i++) {
    const j = i + random.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const label = (s: { split: number; index: number }) => sets[s.split][1].labels[s.index];
  const picked = pool.slice(0, shown).sort((a, b) => label(a) - label(b) || a.split - b.split || a.index - b.index);

  const images = new Uint8Array(shown * size);
  const captions = picked.map((s, n) => {
    const [name, set] = sets[s.split];
    images.set(set.images.subarray(s.index * size, (s.index + 1) * size), n * size);
    return `${className(classNames, label(s))}\n${SHORT_SPLIT_NAMES[name] ?? name} ${s.index}`;
  });
  const total = sets.reduce((sum, [, set]) => sum + set.count, 0);
  const name = isImageSet(data) || !('source' in data) ? 'images' : (data as DatasetSplits).source.name;
  const title = options.title ?? `${name}: ${shown} random of ${total} (seed ${options.seed ?? 0})`;
  const columns = Math.min(16, Math.ceil(Math.sqrt(shown * 1.5)));
  await writeFileAtomic(options.out, await imageGrid({ images, height, width, captions, columns, title }));

  return { png: options.out, shown, splits: sets.map(([name]) => name), classCounts: countClasses(sets) };
}

/** The class counts as a table: one row per class, one column per split, and the total. */
export function classCountTable(result: InspectResult, format: 'terminal' | 'markdown' = 'terminal'): string {
  const columns: Column<ClassCount>[] = [
    { header: 'class', value: (c) => c.name },
    ...result.splits.map((split): Column<ClassCount> => ({ header: split, value: (c) => c.perSplit[split], align: 'right' })),
    ...(result.splits.length > 1 ? [{ header: 'total', value: (c: ClassCount) => c.total, align: 'right' as const }] : []),
  ];
  return (format === 'markdown' ? markdownTable : terminalTable)(result.classCounts, columns);
}

function countClasses(sets: readonly [string, ImageSet][]): ClassCount[] {
  const classNames = sets[0][1].classNames;
  const counts = new Map<number, Record<string, number>>();
  for (const [name, set] of sets) {
    for (const label of set.labels) {
      const perSplit = counts.get(label) ?? Object.fromEntries(sets.map(([split]) => [split, 0]));
      perSplit[name]++;
      counts.set(label, perSplit);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([label, perSplit]) => ({
      label,
      name: className(classNames, label),
      perSplit,
      total: Object.values(perSplit).reduce((a, b) => a + b, 0),
    }));
}

function className(classNames: readonly string[], label: number): string {
  return classNames[label] || String(label);
}

function isImageSet(data: ImageSet | DatasetSplits | Readonly<Record<string, ImageSet>>): data is ImageSet {
  return (data as { images?: unknown }).images instanceof Uint8Array;
}
