import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildTrainingStep, TrainingSession, type OptimizerSpec, type OrtModule, type StateTensor, type TrainingStepGraph } from '@letters/export';
import { LettersError } from '../common/index.ts';
import { mulberry32 } from '../data/random.ts';
import { getLearningRate } from '../fit/optimizers.ts';
import type { TrainStep } from './train-step.ts';

/** The onnxruntime packages a training step can run on. */
export type OnnxRuntimeName = 'onnxruntime' | 'onnxruntime-web';

/** The tfjs optimizer's rule and hyperparameters as the training graph takes them. */
export function optimizerSpec(optimizer: tf.Optimizer): OptimizerSpec {
  const config = optimizer.getConfig() as Record<string, number | boolean | undefined>;
  const number = (key: string) => config[key] as number | undefined;
  switch (optimizer.getClassName()) {
    case 'RMSProp':
      if (config['centered']) break;
      return { name: 'rmsprop', rho: number('decay'), momentum: number('momentum'), epsilon: number('epsilon') };
    case 'Adam':
      return { name: 'adam', beta1: number('beta1'), beta2: number('beta2'), epsilon: number('epsilon') };
    case 'SGD':
      return { name: 'sgd' };
    case 'Momentum':
      if (config['useNesterov']) break;
      return { name: 'momentum', momentum: number('momentum') };
  }
  throw new LettersError(`optimizer ${optimizer.getClassName()} ${JSON.stringify(config)} cannot train on onnxruntime; use rmsprop, adam, sgd or momentum`);
}

/** tfjs's optimizer state per weight, in the order its getWeights lists them (after the iteration count). */
const tfjsSlots: Record<OptimizerSpec['name'], readonly string[]> = { rmsprop: ['rms', 'momentum'], adam: ['m', 'v'], sgd: [], momentum: ['momentum'] };

let webThreads: number | undefined;

/** Loads the runtime; onnxruntime-web's wasm module takes its thread count once per process. */
async function loadRuntime(runtime: OnnxRuntimeName, threads: number): Promise<{ module: OrtModule; sessionOptions: object }> {
  if (runtime === 'onnxruntime') {
    const module = await import('onnxruntime-node');
    return {
      module,
      sessionOptions: {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // Idle pool threads sleep instead of spinning: on shared cores spinning threads starve the working ones.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      },
    };
  }
  const module = await import('onnxruntime-web');
  if (webThreads === undefined) {
    // In Node the package's node build loads its .wasm from wasmPaths: the installed package, nothing fetched.
    module.env.wasm.wasmPaths = `${dirname(fileURLToPath(import.meta.resolve('onnxruntime-web')))}/`;
    module.env.wasm.numThreads = threads;
    module.env.wasm.proxy = false;
    webThreads = threads;
  }
  return { module, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } };
}

/** A state tensor's value in the tfjs weight's layout (Conv kernels are OIHW in ONNX, HWIO in tfjs). */
function toTfjs(values: Float32Array, state: StateTensor, weight: StateTensor): tf.Tensor {
  const tensor = tf.tensor(values, [...state.dims]);
  const perm = weight.tfjs?.perm;
  if (!perm) return tensor;
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const result = tf.transpose(tensor, inverse);
  tensor.dispose();
  return result;
}

function toOnnx(tensor: tf.Tensor, weight: StateTensor): Float32Array {
  const perm = weight.tfjs?.perm;
  return tf.tidy(() => (perm ? tf.transpose(tensor, [...perm]) : tensor).dataSync() as Float32Array).slice();
}

/** The tfjs name of a state tensor's optimizer slot: `<variable name>/<slot>`, as tfjs optimizers name them. */
function slotName(model: tf.LayersModel, weight: StateTensor, slot: string): string {
  return `${model.weights[weight.tfjs!.index]!.name}/${slot}`;
}

/**
 * A training step that runs as one ONNX graph on onnxruntime (native CPU kernels) or onnxruntime-web
 * (wasm): forward, gradients and the optimizer update in one session call. Weights and optimizer state
 * stay in the runtime between steps; `sync` writes them back into the tfjs model and optimizer (fit does
 * at the end of every epoch, before evaluation, checkpoints and callbacks). The learning rate is read
 * from the tfjs optimizer at every step, so schedules apply.
 */
export function createOnnxTrainStep(model: tf.LayersModel, optimizer: tf.Optimizer, options: { runtime: OnnxRuntimeName; threads: number }): TrainStep {
  const spec = optimizerSpec(optimizer);
  const graph: TrainingStepGraph = buildTrainingStep(model, { optimizer: spec });
  const weightOf = new Map(graph.state.filter((s) => s.role !== 'slot').map((s) => [s.input, s]));
  let opened: Promise<TrainingSession> | undefined;

  const open = async () => {
    const { module, sessionOptions } = await loadRuntime(options.runtime, options.threads);
    const iterations = optimizer.iterations;
    const session = await TrainingSession.create(module, graph, { sessionOptions, random: mulberry32(iterations + 1) });
    session.steps = iterations;
    // A resumed optimizer carries its slots: continue from them.
    const saved = new Map((await optimizer.getWeights()).map((w) => [w.name, w.tensor]));
    const slots = new Map<string, Float32Array>();
    for (const s of graph.state) {
      const tensor = s.role === 'slot' ? saved.get(slotName(model, weightOf.get(s.weight)!, s.slot!)) : undefined;
      if (tensor) slots.set(s.input, toOnnx(tensor, weightOf.get(s.weight)!));
    }
    session.write(slots);
    return session;
  };

  return {
    async run(batch) {
      opened ??= open();
      const session = await opened;
      return session.step(batch, getLearningRate(optimizer));
    },
    async sync() {
      if (!opened) return;
      const session = await opened;
      const values = session.read();
      const weights = model.getWeights();
      const created: tf.Tensor[] = [];
      for (const s of weightOf.values()) {
        const tensor = toTfjs(values.get(s.input)!, s, s);
        weights[s.tfjs!.index] = tensor;
        created.push(tensor);
      }
      model.setWeights(weights);
      const slotState = new Map(graph.state.filter((s) => s.role === 'slot').map((s) => [slotName(model, weightOf.get(s.weight)!, s.slot!), s]));
      const list: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(session.steps, 'int32') }];
      for (const slot of tfjsSlots[spec.name]) {
        for (const variable of model.trainableWeights) {
          const name = `${variable.name}/${slot}`;
          const s = slotState.get(name);
          // rmsprop at momentum 0 keeps no momentum slot here; tfjs's would hold only the last step, unused.
          list.push({ name, tensor: s ? toTfjs(values.get(s.input)!, s, weightOf.get(s.weight)!) : tf.zeros(variable.shape as number[]) });
        }
      }
      const previous = await optimizer.getWeights();
      await optimizer.setWeights(list);
      tf.dispose([...created, ...list.map((w) => w.tensor), ...previous.map((w) => w.tensor)]);
    },
    dispose() {
      void opened?.then((session) => session.release());
    },
  };
}
