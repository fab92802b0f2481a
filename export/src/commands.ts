import { join } from 'node:path';
import {
  dataDirOption,
  LettersError,
  backendOptions,
  initBackend,
  loadDataset,
  terminalTable,
  type LettersCommand,
} from '@letters/training';
import { exportModelDir } from './export-dir.ts';
import { inspectOnnxFile } from './inspect.ts';
import type { OnnxSummary, OnnxTensorSummary } from './onnx/summary.ts';
import { DEFAULT_TOLERANCE } from './verify/parity.ts';

const shapeText = (t: OnnxTensorSummary) => `${t.name} ${t.type} [${t.shape.join(', ')}]`;

function countsTable(counts: Record<string, number>): string {
  return terminalTable(Object.entries(counts), [
    { header: 'op', value: ([op]) => op },
    { header: 'count', value: ([, n]) => n, align: 'right' },
  ]);
}

function printSummary(path: string, summary: OnnxSummary): void {
  const opsets = summary.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const lines = [
    `${path}: ONNX IR ${summary.irVersion}, opset ${opsets}, producer ${summary.producer || 'unknown'}`,
    `inputs:     ${summary.inputs.map(shapeText).join('; ')}`,
    `outputs:    ${summary.outputs.map(shapeText).join('; ')}`,
    `parameters: ${summary.parameterCount}`,
    '',
    countsTable(summary.opCounts),
    '',
    terminalTable(summary.nodes, [
      { header: 'node', value: (n) => n.name },
      { header: 'op', value: (n) => n.opType },
      { header: 'input', value: (n) => n.inputs.join(', ') },
      { header: 'parameters', value: (n) => n.parameters || '', align: 'right' },
    ]),
    '',
    terminalTable(Object.entries(summary.metadata), [
      { header: 'metadata', value: ([key]) => key },
      { header: 'value', value: ([, value]) => (value.length > 90 ? `${value.slice(0, 87)}...` : value) },
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `letters export` and `letters inspect`. */
export const exportCommands: LettersCommand = (cli) =>
  cli
    .command(
      'export <model>',
      'Export a trained model directory to ONNX, verified against tfjs before it is written',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'Model directory (model.json, weights.bin, ...)' })
          .option('out', { alias: 'o', type: 'string', describe: 'ONNX file to write [default: <model>/model.onnx]' })
          .option('tolerance', {
            type: 'number',
            default: DEFAULT_TOLERANCE,
            describe: 'Largest accepted |tfjs - onnx| probability difference',
          })
          .option('parity-dataset', {
            type: 'string',
            describe: 'Also check parity on real test images of this dataset (e.g. byclass-letters)',
          })
          .option('data-dir', dataDirOption)
          .option('backend', {
            ...backendOptions.backend,
            default: 'cpu' as const,
            describe: 'tfjs backend of the reference predictions: cpu is the exact reference, auto/wasm are faster',
          }),
      async (argv) => {
        if (!(argv.tolerance >= 0) || !Number.isFinite(argv.tolerance)) {
          throw new LettersError(`--tolerance ${argv.tolerance}: must be a number >= 0, e.g. 1e-4`, { exitCode: 2 });
        }
        await initBackend({ backend: argv.backend });
        const out = argv.out ?? join(argv.model, 'model.onnx');
        const maxImages = 256;
        const images = argv.parityDataset
          ? (await loadDataset(argv.parityDataset, { dataDir: argv.dataDir, limit: maxImages })).test
          : undefined;
        const report = await exportModelDir(argv.model, out, { tolerance: argv.tolerance, images, maxImages });
        if (argv.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const { parity } = report;
        const lines = [
          `wrote ${out} (${report.bytes} bytes, ${report.parameterCount} parameters)`,
          terminalTable(
            [
              ['samples (seeded + images)', `${parity.seededSamples} + ${parity.imageSamples}`],
              ['max |tfjs - onnx|', parity.maxAbsDiff.toExponential(2)],
              ['mean |tfjs - onnx|', parity.meanAbsDiff.toExponential(2)],
              ['argmax agreement', `${(100 * parity.argmaxAgreement).toFixed(2)}%`],
              ...(parity.imageArgmaxAgreement === null
                ? []
                : [['argmax agreement (real images)', `${(100 * parity.imageArgmaxAgreement).toFixed(2)}%`]]),
              ['tolerance', parity.tolerance.toExponential(2)],
            ],
            [
              { header: 'parity (onnxruntime-node vs tfjs)', value: ([k]) => k },
              { header: 'value', value: ([, v]) => v, align: 'right' },
            ],
          ),
          countsTable(report.opCounts),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    )
    .command(
      'inspect <file>',
      'Summarize an ONNX file: inputs, outputs, ops, nodes, metadata, parameter count',
      (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'An .onnx file' }),
      async (argv) => {
        const summary = await inspectOnnxFile(argv.file);
        if (argv.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else printSummary(argv.file, summary);
      },
    );
