/**
 * `letters parity`: the same inputs through onnxruntime-node, onnxruntime-web and (with --tfjs) tfjs;
 * with --browser or several model files (one per precision), through every runtime including Chromium's
 * wasm and WebGPU, as one table.
 */
import { LettersError, withinTolerance } from '@letters/contract';
import { DEFAULT_TOLERANCE } from '@letters/export';
import { checkRuntimeParity, modelImages, seededImages, type ParityInputs } from '@letters/inference';
import { initBackend, loadDataset, terminalTable } from '@letters/training';
import { command, printJson } from '../command.ts';
import { tfjsProbabilities } from '../tfjs-reference.ts';
import { onnxModelArgument, positiveInteger, tolerance, toleranceOption } from '../options.ts';
import { notRunLines, RUNTIME_COLUMNS } from '../parity/runtime-columns.ts';
import { MIN_RUNTIME_AGREEMENT, runtimeTable } from '../parity/runtime-table.ts';
import { backendOptions, dataDirOption, datasetList, datasetOption } from '../training-options.ts';

const percent = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(2)}%`);

export const parity = command(
  (cli) =>
    cli
      .positional('models', { ...onnxModelArgument, array: true, describe: 'ONNX model files (e.g. one per precision, from letters export and letters quantize)' })
      .option('tfjs', { type: 'string', describe: 'The tfjs model directory the ONNX file was exported from' })
      .option('backend', { ...backendOptions.backend, describe: 'tfjs backend that runs --tfjs (cpu: the exact reference)' })
      .option('browser', { type: 'boolean', default: false, describe: 'Also run in Chromium on onnxruntime-web wasm and WebGPU (playwright-core)' })
      .option('chromium', { type: 'string', describe: 'Chromium executable for --browser (default /usr/bin/chromium or $LETTERS_CHROMIUM)' })
      .option('dataset', datasetOption("Use this dataset's test images (default: seeded noise images)"))
      .option('data-dir', dataDirOption)
      .option('limit', { type: 'number', default: 1000, describe: 'Number of images compared' })
      .option('tolerance', toleranceOption(DEFAULT_TOLERANCE, 'Largest accepted |difference| of any probability'))
      .option('min-agreement', { type: 'number', default: MIN_RUNTIME_AGREEMENT, describe: 'With --browser or several models: least share of argmaxes each runtime shares with native' })
      .example('$0 parity models/tuned.onnx --tfjs models/tuned --dataset byclass-letters', '')
      .example('$0 parity tuned.onnx tuned.fp16.onnx tuned.int8.onnx --browser --dataset byclass-letters', 'every precision on every runtime')
      .epilogue(datasetList()),
  async (args) => {
    const limit = positiveInteger('limit', args.limit)!;
    const maxDiff = tolerance(args.tolerance);
    const models = args.models.map(String);
    let inputs: ParityInputs & { labels?: Uint8Array } = seededImages(limit);
    if (args.dataset) {
      const { test } = await loadDataset(args.dataset, { dataDir: args.dataDir, limit });
      inputs = {
        images: modelImages({ data: test.images, count: test.count }),
        count: test.count,
        labels: test.labels,
        description: `${test.count} ${args.dataset} test images`,
      };
    }
    if (args.browser || models.length > 1) {
      const minAgreement = args.minAgreement;
      if (!(minAgreement >= 0 && minAgreement <= 1)) {
        throw new LettersError(`--min-agreement ${minAgreement}: must be a share in [0, 1], e.g. 0.999`, { kind: 'usage' });
      }
      if (args.tfjs) throw new LettersError('--tfjs: compares one model file; leave out --browser and the other models', { kind: 'usage' });
      const rows = await runtimeTable(models, inputs, { browser: args.browser, chromium: args.chromium });
      const failed = rows.filter((r) => r.nativeAgreement !== undefined && !(r.nativeAgreement >= minAgreement && Number.isFinite(r.maxAbsDiff)));
      if (args.json) printJson({ inputs: inputs.description, minAgreement, rows, passed: failed.length === 0 });
      else {
        const verdict = `${failed.length === 0 ? 'PASS' : 'FAIL'}: every runtime agrees with native on >= ${percent(minAgreement)} of argmaxes`;
        process.stdout.write(`${[inputs.description, terminalTable(rows, RUNTIME_COLUMNS), ...notRunLines(rows), verdict].join('\n')}\n`);
      }
      if (failed.length > 0) {
        const worst = failed[0]!;
        throw new LettersError(
          `${worst.model}: ${worst.runtime} agrees with onnxruntime-node on ${percent(worst.nativeAgreement)} of argmaxes (max |diff| ${worst.maxAbsDiff}), below --min-agreement ${minAgreement}`,
          { kind: 'parity' },
        );
      }
      return;
    }

    const [model] = models as [string];
    const references = [];
    if (args.tfjs) {
      await initBackend({ backend: args.backend });
      references.push({ name: 'tfjs', probabilities: await tfjsProbabilities(args.tfjs, inputs.images, inputs.count) });
    }
    const result = await checkRuntimeParity(model, inputs, { references, tolerance: maxDiff });

    if (args.json) {
      printJson(result);
    } else {
      const lines = [
        `${model}: ${result.inputs} through ${result.runtimes.join(', ')}`,
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
        `${model}: ${worst.a} and ${worst.b} ${difference}; check the export (letters export) or raise --tolerance if the difference is acceptable`,
        { kind: 'parity' },
      );
    }
  },
);
