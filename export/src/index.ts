// Public API of @letters/export: tfjs Layers models to ONNX, verified in onnxruntime before writing.
// The ONNX contract itself (names, image size, metadata keys) is @letters/contract's.
export { exportToOnnx, TOOLKIT_VERSION, type ExportOptions, type ExportReport, type OnnxExport } from './export-model.ts';
export { preprocessingContract, sourceModelHash, type ModelFacts } from './metadata.ts';
export {
  checkParity,
  runWithOnnxruntimeNode,
  DEFAULT_TOLERANCE,
  type OnnxRunner,
  type ParityImages,
  type ParityOptions,
  type ParityReport,
} from './verify/parity.ts';
// Quantization: int8 (static QDQ or dynamic) and float16 versions of an exported float32 model,
// verified against it on onnxruntime-node before they are returned.
export {
  quantizeOnnx,
  DEFAULT_MAX_ACCURACY_LOSS,
  type QuantizeOptions,
  type QuantizeReport,
  type NamedInputs,
} from './quantize/quantize-model.ts';
export type { QuantizationCheck, LabelledInputs } from './quantize/verify.ts';
export type { ModelInputs } from './quantize/run-batches.ts';
export { CALIBRATION_METHODS, type CalibrationMethod } from './quantize/range-methods.ts';
export { inspectOnnxFile } from './inspect.ts';
export { summarizeOnnx, type OnnxSummary, type OnnxNodeSummary, type OnnxTensorSummary } from './onnx/summary.ts';

// The converter and the ONNX schema, for building other graphs from the same layer conversions.
export { convertToOnnx, layerChain, OPSET_VERSION, IR_VERSION, type OnnxConversion, type ConversionInput } from './convert/to-onnx.ts';
export { supportedLayers } from './convert/layers.ts';
export { supportedActivations } from './convert/activations.ts';
export { encodeModel, decodeModel, type OnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx/schema.ts';

// One training step as an ONNX graph (forward, gradients, optimizer update), from a tfjs model or an exported ONNX model.
export {
  buildTrainingStep,
  TRAINING_INPUTS,
  type TrainingStepOptions,
  type TrainingStepGraph,
  type StateTensor,
} from './training-graph/build-training-step.ts';
export type { OptimizerSpec } from './training-graph/optimizers.ts';
export { floatValues, withWeights } from './training-graph/weights.ts';
export { gradientRules } from './training-graph/gradients/index.ts';
export { TrainingSession, type OrtModule, type TrainingBatch, type TrainingSessionOptions } from './training-graph/session.ts';
