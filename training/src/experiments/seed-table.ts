import { join } from 'node:path';
import { markdownTable, writeFileAtomic, type Column } from '../common/index.ts';
import { resolveDataDir } from '../data/data-dir.ts';
import { loadDataset } from '../data/registry.ts';
import { hasEmnist } from '../data/sources/emnist.ts';
import type { DatasetSource, DatasetSplits } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import { PRESETS, type PresetName } from './presets.ts';
import { runExperiment } from './run.ts';

/** The Letters dataset commands default to: the official EMNIST Letters when present, else ByClass letters. */
export function defaultLettersDataset(dataDir?: string): string {
  return hasEmnist(resolveDataDir(dataDir), 'letters', 'train') ? 'emnist-letters' : 'byclass-letters';
}

interface Reference {
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly trainLoss?: number;
  readonly testLoss?: number;
}

interface SeedTask {
  readonly task: string;
  /** Model directory name under the output folder. */
  readonly id: string;
  readonly model: PresetName;
  readonly data: 'digits' | 'letters';
  /** What the reference Keras run of the same network reported (5 epochs). */
  readonly reference?: Reference;
}

/** The baselines: Chollet's dense network on digits and Letters, and his convnet on Letters. */
export const SEED_TASKS: readonly SeedTask[] = [
  { task: 'Dense network, digits', id: 'dense-digits', model: 'dense', data: 'digits', reference: { trainAccuracy: 0.9886, testAccuracy: 0.9802 } },
  {
    task: 'Dense network, Letters',
    id: 'dense-letters',
    model: 'dense',
    data: 'letters',
    reference: { trainAccuracy: 0.9238, trainLoss: 0.2323, testAccuracy: 0.9016, testLoss: 0.3233 },
  },
  { task: 'Convnet, Letters', id: 'convnet-letters', model: 'convnet', data: 'letters' },
];

export interface SeedTableRow {
  readonly task: string;
  readonly model: PresetName;
  readonly dataset: DatasetSource;
  readonly trainCount: number;
  readonly testCount: number;
  readonly epochs: number;
  readonly trainAccuracy: number;
  readonly trainLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly seconds: number;
  readonly dir: string;
  readonly reference?: Reference;
}

export interface SeedTableOptions {
  readonly dataDir?: string;
  /**
   * Datasets already loaded (the pipeline loads them once for all its stages). Without `digits`,
   * the digits task is left out (the generated fixtures have no digits).
   */
  readonly datasets?: { readonly letters: DatasetSplits; readonly digits?: DatasetSplits };
  /** Letters dataset; default: emnist-letters when present, else byclass-letters. */
  readonly lettersDataset?: string;
  readonly outDir: string;
  readonly seed: number;
  /** At most this many images per split (quick runs). */
  readonly limit?: number;
  readonly epochs?: number;
  readonly createTrainStep: CreateTrainStep;
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Reproduces the baseline table: each task trained for 5 epochs (Chollet's settings) and
 * evaluated on its test split; writes seed-table.md and seed-table.json and each model directory.
 * Train accuracy and loss are those of the last epoch, as Keras' fit reports them.
 */
export async function reproduceSeedTable(options: SeedTableOptions): Promise<SeedTableRow[]> {
  const names = { digits: 'mnist', letters: options.lettersDataset ?? defaultLettersDataset(options.dataDir) };
  const given = options.datasets;
  const loaded = new Map<string, DatasetSplits>();
  const load = async (kind: 'digits' | 'letters'): Promise<DatasetSplits | undefined> => {
    if (given) return given[kind];
    const name = names[kind];
    if (!loaded.has(name)) {
      options.log?.(`loading ${name}...`);
      loaded.set(name, await loadDataset(name, { dataDir: options.dataDir, seed: options.seed, limit: options.limit }));
    }
    return loaded.get(name)!;
  };
  const rows: SeedTableRow[] = [];
  for (const task of SEED_TASKS) {
    const data = await load(task.data);
    if (!data) {
      options.log?.(`${task.task}: skipped, no ${task.data} dataset`);
      continue;
    }
    options.log?.(`${task.task}: ${data.source.description}, ${data.train.count} train / ${data.test.count} test images`);
    const dir = join(options.outDir, task.id);
    const config = { ...PRESETS[task.model], epochs: options.epochs ?? PRESETS[task.model].epochs };
    const result = await runExperiment(config, {
      data,
      outDir: dir,
      seed: options.seed,
      createTrainStep: options.createTrainStep,
      evaluateTest: true,
      quiet: options.quiet,
      label: task.id,
    });
    rows.push({
      task: task.task,
      model: task.model,
      dataset: data.source,
      trainCount: data.train.count,
      testCount: data.test.count,
      epochs: result.epochs,
      trainAccuracy: result.train.accuracy,
      trainLoss: result.train.loss,
      testAccuracy: result.test!.accuracy,
      testLoss: result.test!.loss,
      seconds: result.seconds,
      dir,
      ...(task.reference ? { reference: task.reference } : {}),
    });
  }
  await writeFileAtomic(join(options.outDir, 'seed-table.json'), `${JSON.stringify(rows, null, 2)}\n`);
  await writeFileAtomic(join(options.outDir, 'seed-table.md'), seedTableMarkdown(rows));
  return rows;
}

/** "acc / loss", or just the accuracy when the reference gave no loss. */
const reference = (accuracy: number, loss: number | undefined) => (loss === undefined ? String(accuracy) : `${accuracy} / ${loss}`);

export const seedTableColumns: readonly Column<SeedTableRow>[] = [
  { header: 'Task', value: (r) => r.task },
  { header: 'Dataset', value: (r) => `${r.dataset.name} (${r.trainCount}/${r.testCount})` },
  { header: 'Epochs', value: (r) => r.epochs, align: 'right' },
  { header: 'Train acc', value: (r) => r.trainAccuracy, align: 'right' },
  { header: 'Train loss', value: (r) => r.trainLoss, align: 'right' },
  { header: 'Test acc', value: (r) => r.testAccuracy, align: 'right' },
  { header: 'Test loss', value: (r) => r.testLoss, align: 'right' },
  { header: 'Reference train acc / loss', value: (r) => r.reference && reference(r.reference.trainAccuracy, r.reference.trainLoss) },
  { header: 'Reference test acc / loss', value: (r) => r.reference && reference(r.reference.testAccuracy, r.reference.testLoss) },
  { header: 'Time (s)', value: (r) => r.seconds.toFixed(0), align: 'right' },
];

export function seedTableMarkdown(rows: readonly SeedTableRow[]): string {
  const sources = [...new Map(rows.map((r) => [r.dataset.name, r.dataset])).values()];
  return [
    '# Baselines: Chollet\'s networks, reproduced',
    '',
    ...sources.map((s) => `- \`${s.name}\`: ${s.description} (sha256 ${s.hash.slice(0, 12)})${s.synthetic ? ' **synthetic: not comparable**' : ''}`),
    '- Train accuracy/loss: last epoch, running mean over its batches (as Keras reports); test: the held-out test split.',
    '- Reference: the same networks in Keras (MNIST and the full EMNIST Letters).',
    '',
    markdownTable(rows, seedTableColumns),
    '',
  ].join('\n');
}
