import { LettersError, mulberry32 } from '@letters/contract';
import { decodeModel, type OnnxModel } from '../onnx/schema.ts';
import { buildTrainingStep } from '../training-graph/build-training-step.ts';
import { TrainingSession, type OrtModule, type TrainingSessionOptions } from '../training-graph/session.ts';
import type { StepTrainer } from './fine-tune.ts';
import type { TrainableLayers } from './personalize.ts';

/** Ops whose weights make a layer (the exporter names a weight `<layer>/<kernel|bias>`). */
const LAYER_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

/**
 * The layers a 'last' fine-tune trains: the dense layers after the last convolution (the classifier
 * head; the last layer alone for a model without convolutions). The features the convolutions learnt
 * from tens of thousands of letters stay; a few drawings retune how they map to letters.
 */
export function lastLayers(model: OnnxModel): string[] {
  const initializers = new Set(model.graph.initializer.map((t) => t.name));
  const layers = model.graph.node
    .filter((n) => LAYER_OPS.has(n.opType))
    .map((n) => ({ op: n.opType, weight: n.input.slice(1).find((name) => initializers.has(name) && name.includes('/')) }))
    .filter((l): l is { op: string; weight: string } => l.weight !== undefined)
    .map((l) => ({ op: l.op, layer: l.weight.slice(0, l.weight.lastIndexOf('/')) }));
  if (layers.length === 0) throw new LettersError('the model has no layers with named weights to fine-tune; export it with `letters export`');
  const lastConv = layers.map((l) => l.op).lastIndexOf('Conv');
  const head = lastConv < 0 || lastConv === layers.length - 1 ? layers.slice(-1) : layers.slice(lastConv + 1);
  return [...new Set(head.map((l) => l.layer))];
}

/**
 * A StepTrainer on onnxruntime (onnxruntime-node's or onnxruntime-web's module): the base model's
 * training step (forward, gradients, Adam) as one graph in a TrainingSession.
 */
export async function ortTrainer(
  ort: OrtModule,
  base: Uint8Array,
  options: { readonly layers: TrainableLayers; readonly learningRate: number; readonly seed?: number; readonly sessionOptions?: TrainingSessionOptions['sessionOptions'] },
): Promise<StepTrainer> {
  const model = decodeModel(base, 'the base model');
  const graph = buildTrainingStep(model, { optimizer: { name: 'adam' }, trainable: options.layers === 'all' ? 'all' : lastLayers(model) });
  const session = await TrainingSession.create(ort, graph, { sessionOptions: options.sessionOptions, random: mulberry32(options.seed ?? 1) });
  return {
    async step(images, labels, size) {
      return (await session.step({ images, labels, size }, options.learningRate)).loss;
    },
    async weights() {
      const state = session.read();
      return new Map(graph.state.filter((s) => s.role === 'weight').map((s) => [s.weight, state.get(s.input)!]));
    },
    release: () => session.release(),
  };
}
