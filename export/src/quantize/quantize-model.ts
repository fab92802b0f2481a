/**
 * `letters quantize` as a library call: a float32 letters model to int8 (static QDQ or dynamic) or
 * float16, verified against the float32 model on onnxruntime-node before the bytes are returned.
 */
import { createHash } from 'node:crypto';
import { LettersError, METADATA_KEYS, type Precision } from '@letters/contract';
import { decodeModel, encodeModel, type OnnxModel } from '../onnx/schema.ts';
import { calibrateRanges } from './calibrate.ts';
import { convertToFloat16 } from './fp16.ts';
import { quantizeDynamic } from './dynamic.ts';
import { activationsToQuantize, quantizeStatic } from './qdq.ts';
import type { CalibrationMethod } from './range-methods.ts';
import type { ModelInputs } from './run-batches.ts';
import { verifyQuantized, type LabelledInputs, type QuantizationCheck } from './verify.ts';

/** Default largest accepted loss of test accuracy, in points. */
export const DEFAULT_MAX_ACCURACY_LOSS = 0.5;

/** Images with where they came from, for the metadata. */
export interface NamedInputs<T extends ModelInputs = ModelInputs> {
  readonly inputs: T;
  /** The dataset and split, e.g. `byclass-letters train`. */
  readonly name: string;
  /** sha256 of the data (the dataset's hash). */
  readonly hash: string;
}

export interface QuantizeOptions {
  readonly to: Exclude<Precision, 'fp32'>;
  /** Test images with labels: the verification runs on them. */
  readonly test: NamedInputs<LabelledInputs>;
  /** Training images the activation ranges are calibrated on (static int8). */
  readonly calibration?: NamedInputs;
  /** Default minmax. */
  readonly method?: CalibrationMethod;
  /** int8: quantize activations at run time instead of calibrating them. */
  readonly dynamic?: boolean;
  /** fp16: compute in float16 too, not only store the weights in it. */
  readonly fp16Arithmetic?: boolean;
  /** Largest accepted loss of test accuracy in points (default 0.5). */
  readonly maxAccuracyLoss?: number;
}

export interface QuantizeReport {
  readonly precision: Precision;
  /** int8: `static` or `dynamic`; fp16: `weights` or `arithmetic`. */
  readonly mode: string;
  readonly method?: CalibrationMethod;
  readonly floatBytes: number;
  readonly bytes: number;
  /** bytes / floatBytes. */
  readonly sizeRatio: number;
  readonly check: QuantizationCheck;
  readonly metadata: Record<string, string>;
}

/** Refuses a model that is not a float32 letters model (already quantized, or converted to float16). */
function checkFloatModel(model: OnnxModel, source: string): void {
  const precision = model.metadataProps?.find((p) => p.key === METADATA_KEYS.precision)?.value ?? 'fp32';
  const quantizedOps = model.graph.node.filter((n) => /QuantizeLinear|Integer$|^Cast$/.test(n.opType));
  if (precision !== 'fp32' || quantizedOps.length > 0) {
    throw new LettersError(
      `${source}: already a ${precision === 'fp32' ? 'converted' : precision} model (${quantizedOps[0]?.opType ?? METADATA_KEYS.precision}); quantize the float32 model from letters export`,
      { kind: 'input' },
    );
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Quantizes or converts the float32 ONNX `onnx`, verifies the result and returns it with its report.
 * Throws a LettersError (kind `parity`) when more than `maxAccuracyLoss` points of test accuracy are
 * lost, so nothing past the tolerance is ever written.
 */
export async function quantizeOnnx(
  onnx: Uint8Array,
  options: QuantizeOptions,
  source = 'the model',
): Promise<{ onnx: Uint8Array; report: QuantizeReport }> {
  const model = decodeModel(onnx, source);
  checkFloatModel(model, source);
  const maxAccuracyLoss = options.maxAccuracyLoss ?? DEFAULT_MAX_ACCURACY_LOSS;
  let converted: OnnxModel;
  let mode: string;
  let method: CalibrationMethod | undefined;
  const facts: Record<string, unknown> = {};
  if (options.to === 'fp16') {
    mode = options.fp16Arithmetic ? 'arithmetic' : 'weights';
    converted = convertToFloat16(model, options.fp16Arithmetic ? 'arithmetic' : 'weights');
  } else if (options.dynamic) {
    mode = 'dynamic';
    converted = quantizeDynamic(model);
  } else {
    const calibration = options.calibration;
    if (!calibration) {
      throw new LettersError('static int8 quantization needs calibration images: pass --calibration <dataset>, or --dynamic', { kind: 'usage' });
    }
    mode = 'static';
    method = options.method ?? 'minmax';
    const ranges = await calibrateRanges(model, activationsToQuantize(model.graph), calibration.inputs, { method });
    converted = quantizeStatic(model, ranges);
    Object.assign(facts, { method, calibration: calibration.name, calibrationImages: calibration.inputs.count });
  }
  const unverified = encodeModel(converted);
  const check = await verifyQuantized(onnx, unverified, options.test.inputs, maxAccuracyLoss);
  if (!check.passed) {
    throw new LettersError(
      `${source}: the ${options.to} model loses ${check.accuracyLoss.toFixed(2)} points of test accuracy ` +
        `(${(100 * check.floatAccuracy).toFixed(2)}% -> ${(100 * check.accuracy).toFixed(2)}% on ${check.count} ${options.test.name} images, ` +
        `argmax agreement ${(100 * check.argmaxAgreement).toFixed(2)}%), more than the tolerance of ${maxAccuracyLoss} points; nothing was written. ` +
        'Try another --method, --dynamic for int8, or fp16',
      { kind: 'parity' },
    );
  }
  const deltas = {
    testData: options.test.name,
    testDataHash: options.test.hash,
    images: check.count,
    floatAccuracy: check.floatAccuracy,
    accuracy: check.accuracy,
    accuracyLoss: check.accuracyLoss,
    argmaxAgreement: check.argmaxAgreement,
    maxAbsDiff: check.maxAbsDiff,
  };
  const metadata: Record<string, string> = {
    ...Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value])),
    [METADATA_KEYS.precision]: options.to,
    [METADATA_KEYS.quantization]: JSON.stringify({ mode, ...facts }),
    ...(options.calibration && mode === 'static' ? { [METADATA_KEYS.calibrationHash]: options.calibration.hash } : {}),
    [METADATA_KEYS.quantizationDeltas]: JSON.stringify(deltas),
    [METADATA_KEYS.floatModelHash]: sha256(onnx),
  };
  converted.metadataProps = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  const bytes = encodeModel(converted);
  return {
    onnx: bytes,
    report: {
      precision: options.to,
      mode,
      method,
      floatBytes: onnx.byteLength,
      bytes: bytes.byteLength,
      sizeRatio: bytes.byteLength / onnx.byteLength,
      check,
      metadata,
    },
  };
}
