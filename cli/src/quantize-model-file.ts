import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { IMAGE_SIZE, LettersError, METADATA_KEYS } from '@letters/contract';
import { checkOutput, isLettersOnnx, writeFileAtomic } from '@letters/contract/node';
import { decodeModel, quantizeOnnx, type QuantizeOptions, type QuantizeReport } from '@letters/export';
import { modelImages } from '@letters/inference';
import { DATASET_NAMES, DATASET_DEFAULTS, loadDataset, stratifiedSample, type DatasetSplits, type ImageSet } from '@letters/training';

export interface QuantizeFileOptions extends Pick<QuantizeOptions, 'to' | 'method' | 'dynamic' | 'fp16Arithmetic' | 'maxAccuracyLoss'> {
  /** The dataset whose training images calibrate and whose test images verify (default: the model's own). */
  readonly dataset?: string;
  readonly dataDir?: string;
  /** Training images the activations are calibrated on (a seeded stratified sample; default 1000). */
  readonly calibrationImages?: number;
  /** At most this many test images verify the result (default: the whole test split). */
  readonly testLimit?: number;
}

export interface QuantizeFileReport extends QuantizeReport {
  readonly model: string;
  readonly output: string;
  readonly dataset: string;
}

export const DEFAULT_CALIBRATION_IMAGES = 1000;

const shape = [IMAGE_SIZE, IMAGE_SIZE, 1] as const;
const inputsOf = (set: ImageSet) => ({ images: modelImages({ data: set.images, count: set.count }), count: set.count, shape });

/** The registered dataset a model was trained on, from its `letters.dataset` metadata ("name: description"). */
function trainingDataset(bytes: Uint8Array, model: string): string {
  const recorded = decodeModel(bytes, model).metadataProps?.find((p) => p.key === METADATA_KEYS.dataset)?.value;
  const name = recorded?.split(':')[0];
  if (name === undefined || !DATASET_NAMES.includes(name)) {
    throw new LettersError(`${model}: its metadata names no known training dataset; pass --calibration <dataset>, e.g. byclass-letters`, { kind: 'usage' });
  }
  return name;
}

/**
 * Quantizes an ONNX file to `out`, calibrated on the splits' training images and verified on their
 * test images; written atomically, and only when the verification passes.
 */
export async function quantizeWithSplits(
  model: string,
  bytes: Uint8Array,
  out: string,
  splits: Pick<DatasetSplits, 'train' | 'test' | 'source'>,
  options: QuantizeFileOptions,
): Promise<QuantizeFileReport> {
  const dataset = splits.source.name;
  const test = options.testLimit ? stratifiedSample(splits.test, options.testLimit, DATASET_DEFAULTS.seed) : splits.test;
  if (test.count === 0) throw new LettersError(`--calibration ${dataset}: the dataset has no test images to verify on`);
  const calibration = stratifiedSample(splits.train, options.calibrationImages ?? DEFAULT_CALIBRATION_IMAGES, DATASET_DEFAULTS.seed);
  const { onnx, report } = await quantizeOnnx(
    bytes,
    {
      ...options,
      test: { inputs: { ...inputsOf(test), labels: test.labels }, name: `${dataset} test`, hash: splits.source.hash },
      calibration: {
        inputs: inputsOf(calibration),
        name: `${dataset} train (${calibration.count} images)`,
        hash: createHash('sha256').update(calibration.images).digest('hex'),
      },
    },
    model,
  );
  await writeFileAtomic(out, onnx).catch((error: Error) => {
    throw new LettersError(`${out}: cannot write the ONNX file (${error.message}); choose another -o path`, { cause: error });
  });
  return { ...report, model, output: out, dataset };
}

/** `letters quantize`: reads the model, loads the dataset (default: the model's own) and quantizes. */
export async function quantizeModelFile(model: string, out: string, options: QuantizeFileOptions): Promise<QuantizeFileReport> {
  await checkOutput(out, { kind: 'file', of: 'an ONNX model letters wrote', recognise: isLettersOnnx }, { inputs: [model] });
  const bytes = await readFile(model).catch((error: NodeJS.ErrnoException) => {
    throw new LettersError(`${model}: cannot read the model (${error.code ?? error.message}); pass an ONNX file from letters export`, { cause: error });
  });
  const dataset = options.dataset ?? trainingDataset(bytes, model);
  return quantizeWithSplits(model, bytes, out, await loadDataset(dataset, { dataDir: options.dataDir }), options);
}
