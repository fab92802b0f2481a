// Public API of @letters/export: tfjs Layers models to ONNX, verified in onnxruntime before writing.
export { exportToOnnx, TOOLKIT_VERSION, type ExportOptions, type ExportReport, type OnnxExport } from './export-model.ts';
export { exportModelDir, type ModelDirExportReport } from './export-dir.ts';
export {
  convertToOnnx,
  layerChain,
  INPUT_NAME,
  OUTPUT_NAME,
  OPSET_VERSION,
  IR_VERSION,
  type OnnxConversion,
  type ConversionInput,
} from './convert/to-onnx.ts';
export { supportedLayers } from './convert/layers.ts';
export { supportedActivations } from './convert/activations.ts';
export {
  checkParity,
  runWithOnnxruntimeNode,
  DEFAULT_TOLERANCE,
  type OnnxRunner,
  type ParityImages,
  type ParityOptions,
  type ParityReport,
} from './verify/parity.ts';
export { METADATA_KEYS, preprocessingContract } from './metadata.ts';
export { inspectOnnxFile } from './inspect.ts';
export { encodeModel, decodeModel, type OnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx/schema.ts';
export { summarizeOnnx, type OnnxSummary, type OnnxNodeSummary, type OnnxTensorSummary } from './onnx/summary.ts';
export { exportCommands } from './commands.ts';
