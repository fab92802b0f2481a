import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { LettersError } from '@letters/contract';
import { convertToOnnx, type ConversionInput } from './convert/to-onnx.ts';
import { classLabels, exportMetadata, type ModelFacts } from './metadata.ts';
import { encodeModel } from './onnx/schema.ts';
import { summarizeOnnx } from './onnx/summary.ts';
import { checkParity, type ParityOptions, type ParityReport } from './verify/parity.ts';

/** This package's version, written into every export (`letters.toolkit_version`). */
export const TOOLKIT_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ExportOptions extends ParityOptions, Pick<ConversionInput, 'imageShape' | 'flattenOrder'> {
  /** Class names, one per output (default: the Letters names for 27 outputs, else the indices). */
  labels?: readonly string[];
  /** What the model directory says about the model (dataset, test metrics): goes into the metadata. */
  extras?: ModelFacts;
  /** `letters.preprocessing`: how to turn a picture into the input (default: the tensor-level contract). */
  preprocessing?: string;
  /** sha256 of the source model files (model.json, weights), for the metadata. */
  sourceModelHash?: string;
}

export interface ExportReport {
  parity: ParityReport;
  /** Elements in the ONNX float initializers. */
  parameterCount: number;
  /** Nodes per ONNX op type. */
  opCounts: Record<string, number>;
  /** Size of the ONNX file. */
  bytes: number;
  inputShape: readonly (number | null)[];
  outputShape: readonly (number | null)[];
  metadata: Record<string, string>;
}

export interface OnnxExport {
  /** The serialized ONNX model; verified against tfjs, ready to write. */
  onnx: Uint8Array;
  report: ExportReport;
}

/**
 * Converts a tfjs model to ONNX and verifies the result in onnxruntime against tfjs `predict` before
 * returning it. Throws a LettersError when the probabilities differ by more than the tolerance.
 */
export async function exportToOnnx(model: tf.LayersModel, options: ExportOptions = {}): Promise<OnnxExport> {
  const conversion = convertToOnnx(model, {
    imageShape: options.imageShape,
    flattenOrder: options.flattenOrder,
    producerVersion: TOOLKIT_VERSION,
  });
  const [, height, width, channels] = conversion.inputShape;
  const classes = conversion.outputShape[1];
  if (options.labels && options.labels.length !== classes) {
    throw new LettersError(`labels: ${options.labels.length} class names given, but the model has ${classes} outputs`);
  }
  const metadata = exportMetadata({
    labels: classLabels(classes, options.labels),
    imageShape: [height, width, channels],
    preprocessing: options.preprocessing,
    extras: options.extras ?? {},
    sourceModelHash: options.sourceModelHash,
    toolkitVersion: TOOLKIT_VERSION,
  });
  conversion.model.metadataProps = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  const onnx = encodeModel(conversion.model);
  const parity = await checkParity(model, onnx, [height, width, channels], options);
  if (!parity.passed) {
    throw new LettersError(
      `ONNX export of model '${model.name}' failed its parity check: max |tfjs - onnx| = ${parity.maxAbsDiff.toExponential(2)} ` +
        `> tolerance ${parity.tolerance.toExponential(2)} (argmax agreement ${(100 * parity.argmaxAgreement).toFixed(1)}%); ` +
        'nothing was written. Report the model config, or raise --tolerance if the difference is acceptable',
    );
  }
  const summary = summarizeOnnx(conversion.model);
  return {
    onnx,
    report: {
      parity,
      parameterCount: summary.parameterCount,
      opCounts: summary.opCounts,
      bytes: onnx.byteLength,
      inputShape: conversion.inputShape,
      outputShape: conversion.outputShape,
      metadata,
    },
  };
}
