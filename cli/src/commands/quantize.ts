/** `letters quantize`: an exported float32 model to int8 or float16, verified before it is written. */
import { LettersError } from '@letters/contract';
import { CALIBRATION_METHODS, DEFAULT_MAX_ACCURACY_LOSS } from '@letters/export';
import { terminalTable } from '@letters/training';
import { command, informer, printJson } from '../command.ts';
import { onnxModelArgument, positiveInteger } from '../options.ts';
import { DEFAULT_CALIBRATION_IMAGES, quantizeModelFile } from '../quantize-model-file.ts';
import { dataDirOption, datasetList, datasetOption } from '../training-options.ts';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export const quantize = command(
  (cli) =>
    cli
      .positional('model', onnxModelArgument)
      .option('to', { choices: ['int8', 'fp16'] as const, demandOption: true, describe: 'int8: QDQ (or --dynamic); fp16: float16 weights (or --fp16-arithmetic)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'ONNX file to write' })
      .option('calibration', datasetOption("Dataset whose training images calibrate and whose test images verify (default: the model's training dataset)"))
      .option('data-dir', dataDirOption)
      .option('method', { choices: CALIBRATION_METHODS, default: 'minmax' as const, describe: 'int8 activation ranges: min-max, 99.999th percentile, or least KL divergence (entropy)' })
      .option('dynamic', { type: 'boolean', default: false, describe: 'int8: quantize activations at run time (no calibration)' })
      .option('fp16-arithmetic', { type: 'boolean', default: false, describe: 'fp16: compute in float16 too (float32 input and output)' })
      .option('calibration-images', { type: 'number', default: DEFAULT_CALIBRATION_IMAGES, describe: 'Training images calibrated on (seeded, stratified)' })
      .option('test-limit', { type: 'number', describe: 'At most this many test images verify (default: the whole test split)' })
      .option('max-accuracy-loss', { type: 'number', default: DEFAULT_MAX_ACCURACY_LOSS, describe: 'Refuse when test accuracy drops by more points than this' })
      .example('$0 quantize models/tuned.onnx --to int8 -o models/tuned.int8.onnx --calibration byclass-letters', '')
      .example('$0 quantize models/tuned.onnx --to fp16 -o models/tuned.fp16.onnx', '')
      .epilogue(datasetList()),
  async (args) => {
    if (args.dynamic && args.to !== 'int8') throw new LettersError('--dynamic: only with --to int8', { kind: 'usage' });
    if (args.fp16Arithmetic && args.to !== 'fp16') throw new LettersError('--fp16-arithmetic: only with --to fp16', { kind: 'usage' });
    const maxAccuracyLoss = args.maxAccuracyLoss;
    if (!(maxAccuracyLoss >= 0) || !Number.isFinite(maxAccuracyLoss)) {
      throw new LettersError(`--max-accuracy-loss ${maxAccuracyLoss}: must be a number of points >= 0, e.g. 0.5`, { kind: 'usage' });
    }
    const info = informer(args);
    info(`quantizing ${args.model} to ${args.to}...`);
    const report = await quantizeModelFile(args.model, args.out, {
      to: args.to,
      dataset: args.calibration,
      dataDir: args.dataDir,
      method: args.method,
      dynamic: args.dynamic,
      fp16Arithmetic: args.fp16Arithmetic,
      maxAccuracyLoss,
      calibrationImages: positiveInteger('calibration-images', args.calibrationImages),
      testLimit: positiveInteger('test-limit', args.testLimit),
    });
    if (args.json) {
      printJson(report);
      return;
    }
    const { check } = report;
    const rows: [string, string][] = [
      ['mode', report.mode + (report.method ? ` (${report.method} calibration)` : '')],
      ['size', `${report.bytes} bytes, ${percent(report.sizeRatio)} of float32 (${report.floatBytes})`],
      [`test accuracy (${check.count} ${report.dataset} images)`, `${percent(check.accuracy)} (float32 ${percent(check.floatAccuracy)})`],
      ['accuracy lost', `${check.accuracyLoss.toFixed(2)} points (tolerance ${check.maxAccuracyLoss})`],
      ['argmax agreement with float32', percent(check.argmaxAgreement)],
      ['max |float32 - quantized|', check.maxAbsDiff.toExponential(2)],
    ];
    const table = terminalTable(rows, [
      { header: `${args.to} vs float32 (onnxruntime-node)`, value: ([k]) => k },
      { header: 'value', value: ([, v]) => v, align: 'right' },
    ]);
    process.stdout.write(`wrote ${report.output}\n${table}\n`);
  },
);
