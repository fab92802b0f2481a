import { DEFAULT_TOLERANCE } from '@letters/export';
import {
  backendChoices,
  dataDirOption,
  initBackend,
  loadDataset,
  loadModel,
  LettersError,
  terminalTable,
  type BackendChoice,
  type LettersCommand,
} from '@letters/training';
import { modelImages } from '../classifier/index.ts';
import { onnxModelArgument, positiveInteger } from '../classifier/cli-options.ts';
import { checkRuntimeParity, seededImages, type ParityInputs } from './parity.ts';

/** Exit code when the runtimes differ by more than the tolerance. */
export const PARITY_FAILED_EXIT_CODE = 4;

/** `letters parity`. */
export const parityCommand: LettersCommand = (cli) =>
  cli.command(
    'parity <model>',
    'Run the same inputs through onnxruntime-node, onnxruntime-web and (with --tfjs) tfjs, and compare the probabilities',
    (y) =>
      y
        .positional('model', onnxModelArgument)
        .option('tfjs', { type: 'string', describe: 'The tfjs model directory the ONNX file was exported from' })
        .option('tfjs-backend', { choices: backendChoices, default: 'auto' as BackendChoice, describe: 'tfjs backend for --tfjs' })
        .option('dataset', { type: 'string', describe: 'Use this dataset\'s test images (default: seeded noise images)' })
        .option('data-dir', dataDirOption)
        .option('limit', { type: 'number', default: 1000, describe: 'Number of images compared' })
        .option('tolerance', { type: 'number', default: DEFAULT_TOLERANCE, describe: 'Largest accepted |difference| of any probability' })
        .example('$0 parity models/tuned.onnx --tfjs models/tuned --dataset byclass-letters', ''),
    async (args) => {
      const limit = positiveInteger('limit', args.limit)!;
      if (!(args.tolerance >= 0) || !Number.isFinite(args.tolerance)) {
        throw new LettersError(`--tolerance ${args.tolerance}: must be a number >= 0, e.g. 1e-4`, { exitCode: 2 });
      }
      let inputs: ParityInputs = seededImages(limit);
      if (args.dataset) {
        const { test } = await loadDataset(args.dataset, { dataDir: args.dataDir, limit });
        inputs = { images: modelImages({ data: test.images, count: test.count }), count: test.count, description: `${test.count} ${args.dataset} test images` };
      }
      let tfjs;
      if (args.tfjs) {
        await initBackend({ backend: args.tfjsBackend });
        tfjs = await loadModel(args.tfjs);
      }
      const result = await checkRuntimeParity(args.model, inputs, { tfjs, tolerance: args.tolerance });
      tfjs?.dispose();

      if (args.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
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
        const worst = result.comparisons.reduce((a, b) => (b.maxAbsDiff > a.maxAbsDiff ? b : a));
        throw new LettersError(
          `${args.model}: ${worst.a} and ${worst.b} differ by ${worst.maxAbsDiff.toExponential(2)} > --tolerance ${result.tolerance}; ` +
            'check the export (letters export) or raise --tolerance if the difference is acceptable',
          { exitCode: PARITY_FAILED_EXIT_CODE },
        );
      }
    },
  );
