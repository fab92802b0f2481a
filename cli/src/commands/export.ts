/** `letters export`: a trained model folder to one verified ONNX file. */
import { join } from 'node:path';
import { DEFAULT_TOLERANCE } from '@letters/export';
import { initBackend, loadDataset, terminalTable, type BackendChoice } from '@letters/training';
import { command, printJson } from '../command.ts';
import { exportModelDir } from '../export-model-dir.ts';
import { tolerance, toleranceOption } from '../options.ts';
import { backendOptions, dataDirOption, datasetList, datasetOption } from '../training-options.ts';
import { opCountsTable } from './inspect.ts';

export const exportCommand = command(
  (cli) =>
    cli
      .positional('model', { type: 'string', demandOption: true, describe: 'Model directory (model.json, weights.bin, ...)' })
      .option('out', { alias: 'o', type: 'string', describe: 'ONNX file to write [default: <model>/model.onnx]' })
      .option('tolerance', toleranceOption(DEFAULT_TOLERANCE, 'Largest accepted |tfjs - onnx| probability difference'))
      .option('parity-dataset', datasetOption('Also check parity on real test images of this dataset (e.g. byclass-letters)'))
      .option('data-dir', dataDirOption)
      .option('backend', {
        ...backendOptions.backend,
        default: 'cpu' as BackendChoice,
        describe: 'tfjs backend of the reference predictions: cpu is the exact reference, auto/wasm are faster',
      })
      .epilogue(datasetList()),
  async (args) => {
    const maxDiff = tolerance(args.tolerance);
    await initBackend({ backend: args.backend });
    const out = args.out ?? join(args.model, 'model.onnx');
    const maxImages = 256;
    const images = args.parityDataset ? (await loadDataset(args.parityDataset, { dataDir: args.dataDir, limit: maxImages })).test : undefined;
    const report = await exportModelDir(args.model, out, { tolerance: maxDiff, images, maxImages });
    if (args.json) {
      printJson(report);
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
          ...(parity.imageArgmaxAgreement === null ? [] : [['argmax agreement (real images)', `${(100 * parity.imageArgmaxAgreement).toFixed(2)}%`]]),
          ['tolerance', parity.tolerance.toExponential(2)],
        ],
        [
          { header: 'parity (onnxruntime-node vs tfjs)', value: ([k]) => k },
          { header: 'value', value: ([, v]) => v, align: 'right' },
        ],
      ),
      opCountsTable(report.opCounts),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
);
