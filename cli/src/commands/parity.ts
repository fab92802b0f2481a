/** `letters parity`: the same inputs through onnxruntime-node, onnxruntime-web and (with --tfjs) tfjs. */
import { LettersError, withinTolerance } from '@letters/contract';
import { DEFAULT_TOLERANCE } from '@letters/export';
import { checkRuntimeParity, modelImages, seededImages, type ParityInputs } from '@letters/inference';
import { initBackend, loadDataset, terminalTable } from '@letters/training';
import { command, printJson } from '../command.ts';
import { tfjsProbabilities } from '../tfjs-reference.ts';
import { onnxModelArgument, positiveInteger, tolerance, toleranceOption } from '../options.ts';
import { backendOptions, dataDirOption, datasetList, datasetOption } from '../training-options.ts';

export const parity = command(
  (cli) =>
    cli
      .positional('model', onnxModelArgument)
      .option('tfjs', { type: 'string', describe: 'The tfjs model directory the ONNX file was exported from' })
      .option('backend', { ...backendOptions.backend, describe: 'tfjs backend that runs --tfjs (cpu: the exact reference)' })
      .option('dataset', datasetOption("Use this dataset's test images (default: seeded noise images)"))
      .option('data-dir', dataDirOption)
      .option('limit', { type: 'number', default: 1000, describe: 'Number of images compared' })
      .option('tolerance', toleranceOption(DEFAULT_TOLERANCE, 'Largest accepted |difference| of any probability'))
      .example('$0 parity models/tuned.onnx --tfjs models/tuned --dataset byclass-letters', '')
      .epilogue(datasetList()),
  async (args) => {
    const limit = positiveInteger('limit', args.limit)!;
    const maxDiff = tolerance(args.tolerance);
    let inputs: ParityInputs = seededImages(limit);
    if (args.dataset) {
      const { test } = await loadDataset(args.dataset, { dataDir: args.dataDir, limit });
      inputs = { images: modelImages({ data: test.images, count: test.count }), count: test.count, description: `${test.count} ${args.dataset} test images` };
    }
    const references = [];
    if (args.tfjs) {
      await initBackend({ backend: args.backend });
      references.push({ name: 'tfjs', probabilities: await tfjsProbabilities(args.tfjs, inputs.images, inputs.count) });
    }
    const result = await checkRuntimeParity(args.model, inputs, { references, tolerance: maxDiff });

    if (args.json) {
      printJson(result);
    } else {
      const lines = [
        `${args.model}: ${result.inputs} through ${result.runtimes.join(', ')}`,
        terminalTable(result.comparisons, [
          { header: 'runtimes', value: (c) => `${c.a} vs ${c.b}` },
          { header: 'max |diff|', value: (c) => c.maxAbsDiff.toExponential(2), align: 'right' },
          { header: 'mean |diff|', value: (c) => c.meanAbsDiff.toExponential(2), align: 'right' },
          { header: 'argmax agreement', value: (c) => `${(100 * c.argmaxAgreement).toFixed(2)}%`, align: 'right' },
          { header: 'worst inputs (index: max |diff|)', value: (c) => c.worst.slice(0, 3).map((w) => `${w.index}: ${w.maxAbsDiff.toExponential(1)}`).join(', ') },
        ]),
        `${result.passed ? 'PASS' : 'FAIL'}: tolerance ${result.tolerance.toExponential(1)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (!result.passed) {
      const worst = result.comparisons.find((c) => !withinTolerance(c, maxDiff))!;
      const difference = worst.nonFinite > 0 ? `give ${worst.nonFinite} values that are NaN or infinite` : `differ by ${worst.maxAbsDiff.toExponential(2)} > --tolerance ${maxDiff}`;
      throw new LettersError(
        `${args.model}: ${worst.a} and ${worst.b} ${difference}; check the export (letters export) or raise --tolerance if the difference is acceptable`,
        { kind: 'parity' },
      );
    }
  },
);
