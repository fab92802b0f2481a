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
export { inspectOnnxFile } from './inspect.ts';
export { summarizeOnnx, type OnnxSummary, type OnnxNodeSummary, type OnnxTensorSummary } from './onnx/summary.ts';

// The converter and the ONNX schema, for building other graphs from the same layer conversions.
export { convertToOnnx, layerChain, OPSET_VERSION, IR_VERSION, type OnnxConversion, type ConversionInput } from './convert/to-onnx.ts';
export { supportedLayers } from './convert/layers.ts';
export { supportedActivations } from './convert/activations.ts';
export { encodeModel, decodeModel, type OnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx/schema.ts';
