import { join } from 'node:path';
import { barChart, confusionMatrixChart, writeChart } from '../charts/index.ts';
import { markdownTable, writeFileAtomic, type Column } from '../common/index.ts';
import { DATASET_DEFAULTS } from '../data/registry.ts';
import type { DatasetSource } from '../data/types.ts';
import type { EvaluationMetrics } from '../models/index.ts';
import type { TransferRow } from './cross-validate.ts';
import type { MethodPlan } from './methods.ts';

/** What `letters transfer` found, as printed with --json. */
export interface TransferReport {
  /** The EMNIST model transferred from. */
  readonly base: string;
  readonly dataset: DatasetSource;
  readonly k: number;
  readonly seed: number;
  /** Trainings per method and fold (seeds seed, seed + 1, ...). */
  readonly seeds: number;
  readonly rows: readonly TransferRow[];
  /** The final model: its method, where it was saved, and its accuracy on the held-out test split. */
  readonly final: { readonly method: string; readonly dir: string; readonly test: EvaluationMetrics };
  /** Files written, relative to the output folder. */
  readonly files: readonly string[];
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

function trainedLayers(plan: MethodPlan): string {
  const which = plan.trainLayers === 'all' ? 'all' : plan.trainLayers === 0 ? 'none' : `top ${plan.trainLayers} conv/dense`;
  return plan.init === 'random' ? `${which}, random init` : which;
}

export const TRANSFER_COLUMNS: readonly Column<TransferRow>[] = [
  { header: 'Method', value: (r) => r.method },
  { header: 'Mean accuracy', value: (r) => percent(r.meanAccuracy), align: 'right' },
  { header: 'Std', value: (r) => percent(r.stdAccuracy), align: 'right' },
  { header: 'Folds', value: (r) => r.folds.map(percent).join(' '), align: 'right' },
  {
    header: 'Over seeds [95% CI]',
    value: (r) => (r.seeds.n < 2 ? '' : `${percent(r.seeds.mean)} [${percent(r.seeds.low)}, ${percent(r.seeds.high)}]`),
    align: 'right',
  },
  { header: 'Trained layers', value: (r) => trainedLayers(r.plan) },
  { header: 'Learning rate', value: (r) => (r.plan.epochs === 0 ? '' : String(r.plan.learningRate)), align: 'right' },
  { header: 'Epochs', value: (r) => r.plan.epochs, align: 'right' },
];

/** The transfer table with what it was measured on: the Markdown the README and the report show. */
export function transferMarkdown(report: Omit<TransferReport, 'files'>): string {
  return [
    `# Transfer to Binary AlphaDigits`,
    '',
    `Base model \`${report.base}\`; data: ${report.dataset.description} (${report.dataset.hash.slice(0, 12)}); ` +
      `seeded stratified ${report.k}-fold cross-validation (seed ${report.seed}), every fold trained with ${report.seeds} seed${report.seeds === 1 ? '' : 's'}. ` +
      'Std is the sample standard deviation over the folds (each fold the mean over seeds); over seeds: the mean of each seed\'s cross-validated accuracy with its 95% t interval.',
    '',
    markdownTable(report.rows, TRANSFER_COLUMNS),
    '',
    `Final model: ${report.final.method}, trained on the train and validation splits of \`binaryalphadigits\` ` +
      `(seed ${DATASET_DEFAULTS.seed}), saved in \`${report.final.dir}\`: ${percent(report.final.test.accuracy)} on its ${report.final.test.count} held-out test images ` +
      `(\`letters evaluate --dataset binaryalphadigits\` scores the same split).`,
    '',
    '![Mean accuracy per method](transfer-figures/accuracy.png)',
    '',
    ...report.rows.flatMap((r) => [`![Confusion matrix, ${r.method}](transfer-figures/confusion-${r.method}.png)`, '']),
  ].join('\n');
}

/**
 * Writes transfer.json (one row per method: {method, meanAccuracy, stdAccuracy, folds, ...}),
 * transfer.md, and the figures (accuracy per method; a confusion matrix per method as PNG, SVG
 * and JSON) into `out`. Returns the files written, relative to `out`.
 */
export async function writeTransferReport(out: string, report: Omit<TransferReport, 'files'>, classNames: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    await writeFileAtomic(join(out, name), data);
    files.push(name);
  };
  await write('transfer.json', `${JSON.stringify(report.rows, null, 2)}\n`);
  await write('transfer.md', transferMarkdown(report));
  const accuracy = await barChart(
    report.rows.map((r) => ({ method: r.method, meanAccuracy: r.meanAccuracy, stdAccuracy: r.stdAccuracy })),
    {
      x: 'method',
      y: 'meanAccuracy',
      error: 'stdAccuracy',
      format: '.1%',
      axisFormat: '.0%',
      domain: [0, 1],
      horizontal: true,
      title: `Binary AlphaDigits: ${report.k}-fold cross-validated accuracy`,
      xTitle: 'Method',
      yTitle: 'Mean accuracy (± std over folds)',
    },
  );
  await writeChart(accuracy, join(out, 'transfer-figures', 'accuracy'));
  files.push('transfer-figures/accuracy.png', 'transfer-figures/accuracy.svg');
  for (const row of report.rows) {
    const base = `transfer-figures/confusion-${row.method}`;
    const chart = await confusionMatrixChart(row.confusion, classNames, {
      title: `${row.method}: ${percent(row.meanAccuracy)} (${report.k}-fold CV, every image held out once)`,
    });
    await writeChart(chart, join(out, base));
    await write(`${base}.json`, `${JSON.stringify({ method: row.method, labels: classNames, matrix: row.confusion })}\n`);
    files.push(`${base}.png`, `${base}.svg`);
  }
  return files;
}
