export {
  ARCHITECTURES,
  ACTIVATIONS,
  INITIALIZERS,
  BATCH_NORM_PLACEMENTS,
  POOLINGS,
  PADDINGS,
  convOutputSize,
  DENSE_MODEL,
  CONVNET_MODEL,
  type Architecture,
  type Activation,
  type Initializer,
  type BatchNormPlacement,
  type Pooling,
  type Padding,
  type ModelConfig,
} from './config.ts';
export { buildModel, type BuildOptions } from './build.ts';
export { saveModel, saveModelExtra, loadModel, readModelExtras, type ModelExtras, type EvaluationMetrics } from './io.ts';
