import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BASELINE,
  effectsChart,
  markdownTable,
  seedTableColumns,
  TRANSFER_COLUMNS,
  trainingCurves,
  tuneColumns,
} from '@letters/training';
import { runtimePackage } from '@letters/inference';
import { RUNTIME_COLUMNS } from '../parity/runtime-columns.ts';
import type { ModelResult, StudyResults } from '../pipeline/pipeline.ts';
import { SYNTHETIC_WARNING } from '../pipeline/study-data.ts';
import { writeReport, type Report, type ReportImage, type ReportSection } from './report-writer.ts';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

async function image(name: string, path: string, alt: string): Promise<ReportImage> {
  return { name, png: await readFile(path), alt };
}

/** One row per exported model: accuracy on each runtime and parity; the report's summary and the console's. */
export function summaryTable(results: StudyResults, format: typeof markdownTable): string {
  const rows = results.models.map((m) => {
    const [node, web] = m.evaluations;
    return { m, node: node!, web: web! };
  });
  return format(rows, [
    { header: 'Model', value: (r) => `${r.m.name}.onnx` },
    { header: 'Test set', value: (r) => `${r.m.dataset.name} (${r.node.count})` },
    { header: 'Accuracy (node)', value: (r) => percent(r.node.accuracy), align: 'right' },
    { header: 'Accuracy (web)', value: (r) => percent(r.web.accuracy), align: 'right' },
    { header: 'Loss', value: (r) => r.node.loss, align: 'right' },
    { header: 'Parameters', value: (r) => r.m.export.parameterCount, align: 'right' },
    { header: 'Parity', value: (r) => (r.m.parity.passed ? 'pass' : 'FAIL') },
  ]);
}

function summary(results: StudyResults): ReportSection {
  const table = summaryTable(results, markdownTable);
  const total = results.stages.reduce((sum, s) => sum + s.seconds, 0);
  return {
    title: 'Summary',
    markdown: [
      `Profile **${results.options.profile}**, seed ${results.options.seed}, backend: ${results.backend.name} ` +
        `(${results.backend.threads} thread${results.backend.threads === 1 ? '' : 's'}${results.backend.simd ? ', SIMD' : ''}).`,
      '',
      table,
      '',
      `Stages: ${results.stages.map((s) => `${s.name} ${s.cached ? '(reused)' : `${s.seconds.toFixed(0)} s`}`).join(', ')}; ` +
        `${(total / 60).toFixed(1)} min of work recorded.`,
    ].join('\n'),
  };
}

async function dataSection(results: StudyResults): Promise<ReportSection> {
  const { letters, digits } = results.data;
  const sources = [letters, ...(digits ? [digits] : [])];
  const leakage = results.leakage;
  return {
    title: 'Data',
    markdown: [
      ...results.data.notes.map((n) => `- ${n}`),
      '',
      markdownTable(sources, [
        { header: 'Dataset', value: (s) => `\`${s.name}\`` },
        { header: 'Description', value: (s) => s.description },
        { header: 'sha256', value: (s) => s.hash.slice(0, 16) },
      ]),
      '',
      `Letters splits: ${Object.entries(letters.counts).map(([k, v]) => `${v} ${k}`).join(', ')} images.`,
      `Leakage check (exact duplicate images across splits): ${leakage.leaked === 0 ? 'none found' : `${leakage.leaked} found`}.`,
      '',
      'Random training samples with their labels: each image must be upright and show the letter it is captioned with.',
      '',
      '![Samples](images/samples.png)',
    ].join('\n'),
    images: [await image('samples.png', results.inspection.png, 'Samples')],
  };
}

function seedTableSection(results: StudyResults): ReportSection {
  return {
    title: "Baselines: Chollet's networks",
    markdown: [
      "Chollet's dense network on digits and on Letters, and his convnet on Letters; train accuracy and loss are the last epoch's " +
        "running means (as Keras reports them), test on the held-out split. Reference: the same networks in Keras (MNIST, full EMNIST Letters).",
      '',
      markdownTable(results.seedTable, seedTableColumns),
    ].join('\n'),
  };
}

async function tuningSection(results: StudyResults): Promise<ReportSection> {
  const t = results.tuning;
  const chart = await effectsChart(t.rows, `Validation accuracy against the baseline (${t.budget})`);
  return {
    title: 'Tuning: each technique against the convnet baseline',
    markdown: [
      `Runs: **${t.budget}**; seeds ${t.seeds.join(', ')}; ${t.trainCount} train / ${t.validationCount} validation / ${t.testCount} test images. ` +
        'Ranked by mean validation accuracy; ± is the standard deviation over seeds; differences are in percentage points against ' +
        'the `baseline` variant, paired by seed, with 95% confidence intervals.',
      '',
      markdownTable(t.rows, tuneColumns),
      '',
      ...t.effects.flatMap((line) => [line, '']),
      '![Each variant against the baseline](images/tuning-effects.png)',
      '',
      '![Tuning curves](images/tuning-curves.png)',
    ].join('\n'),
    images: [
      { name: 'tuning-effects.png', png: chart.png, alt: 'Each variant against the baseline' },
      await image('tuning-curves.png', join(results.options.out, 'tune', 'curves.png'), 'Tuning curves'),
    ],
  };
}

async function tunedSection(results: StudyResults): Promise<ReportSection> {
  const t = results.tuned;
  const tuning = results.tuning;
  const row = tuning.rows.find((r) => r.name === tuning.best.name);
  const curves = await trainingCurves([{ name: 'tuned', epochs: t.history.epochs }], { title: 'Tuned model: training curves' });
  const tunedModel = results.models.find((m) => m.name === 'tuned');
  const images: ReportImage[] = [{ name: 'tuned-curves.png', png: curves.png, alt: 'Tuned model training curves' }];
  if (tunedModel) images.push(await image('tuned-confusion.png', tunedModel.confusionPng, 'Confusion matrix of the tuned model'));
  const what =
    tuning.combined.length === 0
      ? 'No technique beat the baseline on validation beyond seed noise, so the tuned model is the baseline'
      : `The techniques that beat the baseline on validation (${tuning.combined.join(', ')}), ${tuning.combined.length > 1 ? 'combined' : 'on their own'}`;
  const points = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  return {
    title: 'Tuned model',
    markdown: [
      `${what}: \`${tuning.best.name}\`, the run of seed ${tuning.best.seed} (its best validation accuracy), ${t.epochs} epochs` +
        `${t.history.stopReason ? ` (${t.history.stopReason})` : ''}, ${t.params} parameters, ${t.seconds.toFixed(0)} s of training.`,
      '',
      `Test accuracy **${percent(t.test!.accuracy)}** (loss ${t.test!.loss.toFixed(4)}).` +
        (row && row.name !== BASELINE
          ? ` Over seeds ${tuning.seeds.join(', ')}: ${percent(row.test.mean)} ± ${(100 * row.test.sd).toFixed(2)} on test, ` +
            `${points(row.testDifference.mean)} points against the baseline with the same seeds (95% CI ${points(row.testDifference.low)} to ${points(row.testDifference.high)}).`
          : ''),
      '',
      '![Training curves](images/tuned-curves.png)',
      '',
      tunedModel ? '![Confusion matrix](images/tuned-confusion.png)' : '',
    ].join('\n'),
    images,
  };
}

function paritySection(models: readonly ModelResult[]): ReportSection {
  const rows = models.flatMap((m) => m.parity.comparisons.map((c) => ({ m, c })));
  return {
    title: 'Native and web inference parity',
    markdown: [
      'The same real test images through onnxruntime-node, onnxruntime-web (WebAssembly, in Node) and tfjs (the exported model).',
      '',
      markdownTable(rows, [
        { header: 'Model', value: (r) => r.m.name },
        { header: 'Runtimes', value: (r) => `${r.c.a} vs ${r.c.b}` },
        { header: 'Images', value: (r) => r.m.parity.count, align: 'right' },
        { header: 'Max abs diff', value: (r) => r.c.maxAbsDiff.toExponential(2), align: 'right' },
        { header: 'Argmax agreement', value: (r) => percent(r.c.argmaxAgreement), align: 'right' },
        { header: 'Tolerance', value: (r) => r.m.parity.tolerance.toExponential(0), align: 'right' },
      ]),
    ].join('\n'),
  };
}

function precisionSection(results: StudyResults): ReportSection {
  const precisions = results.precisions;
  if (!precisions) return { title: 'Precisions and runtimes', markdown: 'Not run: these results are from before the precision stage (run `letters pipeline` again).' };
  const refused = precisions.outcomes.filter((o) => o.refused).map((o) => `- ${o.precision}: refused by \`letters quantize\`: ${o.refused}`);
  const verified = precisions.outcomes.flatMap((o) =>
    o.report ? [`- ${o.precision} (${o.report.mode}${o.report.method ? `, ${o.report.method} calibration` : ''}): ${percent(o.report.sizeRatio)} of the float32 file, ` +
      `${o.report.check.accuracyLoss.toFixed(2)} points of accuracy lost and ${percent(o.report.check.argmaxAgreement)} argmax agreement on ${o.report.check.count} test images (onnxruntime-node, before writing)`] : [],
  );
  return {
    title: 'Precisions and runtimes',
    markdown: [
      `The tuned model as exported (fp32) and made smaller by \`letters quantize\` (fp16: float16 weights; int8: QDQ, per-channel int8 weights, uint8 activations calibrated on training images), ` +
        `each run on the same ${precisions.images} real test images on every runtime${precisions.browser ? ', Chromium included' : ' in Node (the study ran with --no-browser)'}. ` +
        'Agreement with native compares each runtime with onnxruntime-node on the same file; agreement with fp32 compares it with the float32 model on onnxruntime-node. ' +
        'Cold: loading the model and the first single-image prediction; warm: the median single-image prediction after it.',
      '',
      ...verified,
      ...refused,
      '',
      markdownTable(precisions.rows, RUNTIME_COLUMNS),
      ...(precisions.notRun.length > 0 ? ['', ...precisions.notRun.map((line) => `- ${line}`)] : []),
    ].join('\n'),
  };
}

async function transferSection(results: StudyResults): Promise<ReportSection> {
  const t = results.transfer;
  const out = results.options.out;
  const images = [await image('transfer-accuracy.png', join(out, 'transfer-figures', 'accuracy.png'), 'Transfer accuracy')];
  const finalRow = t.rows.find((r) => r.method === t.final.method);
  if (finalRow) images.push(await image('transfer-confusion.png', join(out, 'transfer-figures', `confusion-${finalRow.method}.png`), 'Transfer confusion'));
  return {
    title: 'Transfer to Binary AlphaDigits',
    markdown: [
      `Base: the tuned EMNIST model; data: ${t.dataset.description}; seeded stratified ${t.k}-fold cross-validation; ` +
        'std is the sample standard deviation over folds.',
      '',
      markdownTable(t.rows, TRANSFER_COLUMNS),
      '',
      `Final model: ${t.final.method}, ${percent(t.final.test.accuracy)} on ${t.final.test.count} held-out test images.`,
      '',
      '![Accuracy per method](images/transfer-accuracy.png)',
      '',
      finalRow ? `![Confusion matrix, ${finalRow.method}](images/transfer-confusion.png)` : '',
    ].join('\n'),
    images,
  };
}

function throughputSection(results: StudyResults): ReportSection {
  const training = [
    ...results.seedTable.map((r) => ({ name: r.task, images: r.trainCount * r.epochs, seconds: r.seconds })),
    { name: 'Tuned model', images: results.data.letters.counts.train! * results.tuned.epochs, seconds: results.tuned.seconds },
  ];
  const inference = results.models.flatMap((m) => m.evaluations.map((e) => ({ m, e })));
  return {
    title: 'Throughput',
    markdown: [
      `Training on ${results.backend.name} (${results.backend.threads} thread${results.backend.threads === 1 ? '' : 's'}), validation included:`,
      '',
      markdownTable(training, [
        { header: 'Run', value: (r) => r.name },
        { header: 'Images/s', value: (r) => Math.round(r.images / r.seconds), align: 'right' },
      ]),
      '',
      'Evaluation end to end (batches of 256):',
      '',
      markdownTable(inference, [
        { header: 'Model', value: (r) => r.m.name },
        { header: 'Runtime', value: (r) => runtimePackage(r.e.runtime) },
        { header: 'Images/s', value: (r) => Math.round(r.e.imagesPerSecond), align: 'right' },
      ]),
      '',
      'Figures from one run on a shared machine; `npm run bench:train` and `npm run bench:infer` measure medians of several runs.',
    ].join('\n'),
  };
}

function environmentSection(results: StudyResults): ReportSection {
  const env = results.environment;
  const rows = [
    ['Node.js', env.node],
    ['Platform', env.platform],
    ['Training backend', `${results.backend.name}, ${results.backend.threads} thread(s), SIMD ${results.backend.simd}, ${results.backend.version}`],
    ['TensorFlow.js', env.tfjs],
    ['onnxruntime-node', env.onnxruntimeNode],
    ['onnxruntime-web', env.onnxruntimeWeb],
    ['Letters data', `${results.data.letters.name} sha256 ${results.data.letters.hash}`],
    ['Transfer data', `${results.transfer.dataset.name} sha256 ${results.transfer.dataset.hash}`],
    ['Command', env.command],
  ];
  return {
    title: 'Environment',
    markdown: markdownTable(rows, [
      { header: 'What', value: (r) => r[0] },
      { header: 'Value', value: (r) => r[1] },
    ]),
  };
}

/** The report's folder in the pipeline's output folder. */
export const REPORT_DIR = 'report';

/** Writes the study's report (index.md, index.html, images/) into `<out>/report`. */
export async function writeStudyReport(results: StudyResults): Promise<{ markdown: string; html: string }> {
  const report: Report = {
    title: 'Handwritten letters: the study',
    ...(results.data.synthetic ? { banner: SYNTHETIC_WARNING } : {}),
    sections: [
      summary(results),
      await dataSection(results),
      seedTableSection(results),
      await tuningSection(results),
      await tunedSection(results),
      paritySection(results.models),
      precisionSection(results),
      await transferSection(results),
      throughputSection(results),
      environmentSection(results),
    ],
  };
  return writeReport(join(results.options.out, REPORT_DIR), report);
}
