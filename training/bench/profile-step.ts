/**
 * Where a wasm training step spends its time: every kernel registered for 'wasm' is wrapped with
 * a timer, and the remainder of the step (tape bookkeeping, tensor creation and disposal, reads)
 * is reported as "outside kernels". Per-kernel CPU time comes from process.cpuUsage, so other
 * processes on the machine inflate wall time but not these figures much.
 *
 *   npx tsx training/bench/profile-step.ts [-- --model convnet] [-- --steps 10] [-- --batch 128]
 */
import * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { markdownTable, terminalTable, type Column } from '../src/common/index.ts';
import { describeBackend, initBackend } from '../src/engine/index.ts';
import { createLocalTrainStep } from '../src/engine/local-train-step.ts';
import { createOptimizer } from '../src/fit/index.ts';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, type ModelConfig } from '../src/models/index.ts';

const models: Record<string, ModelConfig> = {
  dense: DENSE_MODEL,
  convnet: CONVNET_MODEL,
  'convnet + batchnorm': { ...CONVNET_MODEL, batchNorm: 'beforeActivation' },
  'wide convnet': { ...CONVNET_MODEL, filters: [64, 128, 128], denseUnits: [128] },
};

const args = yargs(hideBin(process.argv))
  .option('model', { choices: Object.keys(models), default: 'convnet' })
  .option('steps', { type: 'number', default: 10, describe: 'Measured steps (after 2 warm-up steps)' })
  .option('batch', { type: 'number', default: 128 })
  .option('markdown', { type: 'boolean', default: false })
  .strict()
  .parseSync();

interface KernelTime {
  calls: number;
  wallMs: number;
  cpuMs: number;
}

const times = new Map<string, KernelTime>();
let profiling = false;
/** Kernels running now: a kernel that calls another (the training kernels call Transpose) counts as one. */
let depth = 0;

/** Replaces every wasm kernel with a timed wrapper (after the training kernels are registered). */
function wrapKernels(): void {
  for (const kernel of tf.getKernelsForBackend('wasm')) {
    const inner = kernel.kernelFunc;
    // The shape of the first input separates calls of one kernel on different layers.
    const kernelFunc: tf.KernelFunc = (params) => {
      if (!profiling || depth > 0) return inner(params);
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      depth++;
      let out: ReturnType<tf.KernelFunc>;
      try {
        out = inner(params);
      } finally {
        depth--;
      }
      const cpu = process.cpuUsage(cpuStart);
      const wall = performance.now() - wallStart;
      const first = Object.values(params.inputs)[0];
      const key = `${kernel.kernelName} ${first === undefined ? '' : JSON.stringify(first.shape)}`;
      const entry = times.get(key) ?? { calls: 0, wallMs: 0, cpuMs: 0 };
      entry.calls++;
      entry.wallMs += wall;
      entry.cpuMs += (cpu.user + cpu.system) / 1000;
      times.set(key, entry);
      return out;
    };
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc });
  }
}

const backend = await initBackend({ backend: 'wasm', threads: 1 });
console.error(describeBackend(backend));
wrapKernels();

const model = buildModel(models[args.model]!, { numClasses: 27, seed: 1 });
const step = createLocalTrainStep(model, createOptimizer({ name: 'rmsprop', learningRate: 0.001 }));
const images = new Float32Array(args.batch * 28 * 28).map(() => Math.random());
const labels = Int32Array.from({ length: args.batch }, (_, i) => 1 + (i % 26));
const batch = { images, labels, size: args.batch, height: 28, width: 28 };
for (let i = 0; i < 2; i++) await step.run(batch);

profiling = true;
const wallStart = performance.now();
const cpuStart = process.cpuUsage();
for (let i = 0; i < args.steps; i++) await step.run(batch);
const cpu = process.cpuUsage(cpuStart);
const stepWall = (performance.now() - wallStart) / args.steps;
const stepCpu = (cpu.user + cpu.system) / 1000 / args.steps;
profiling = false;

interface Row {
  kernel: string;
  calls: number;
  wallMs: number;
  cpuMs: number;
  share: string;
}
const rows: Row[] = [...times.entries()]
  .map(([kernel, t]) => ({ kernel, calls: t.calls / args.steps, wallMs: t.wallMs / args.steps, cpuMs: t.cpuMs / args.steps, share: '' }))
  .sort((a, b) => b.cpuMs - a.cpuMs);
const inKernels = rows.reduce((s, r) => s + r.cpuMs, 0);
const inKernelsWall = rows.reduce((s, r) => s + r.wallMs, 0);
rows.push({ kernel: 'outside kernels', calls: 0, wallMs: stepWall - inKernelsWall, cpuMs: stepCpu - inKernels, share: '' });
rows.push({ kernel: 'whole step', calls: rows.reduce((s, r) => s + r.calls, 0), wallMs: stepWall, cpuMs: stepCpu, share: '' });
for (const row of rows) row.share = `${((100 * row.cpuMs) / stepCpu).toFixed(1)}%`;

const columns: Column<Row>[] = [
  { header: 'kernel [first input shape]', value: (r) => r.kernel },
  { header: 'calls/step', value: (r) => r.calls, align: 'right' },
  { header: 'wall ms/step', value: (r) => r.wallMs.toFixed(2), align: 'right' },
  { header: 'cpu ms/step', value: (r) => r.cpuMs.toFixed(2), align: 'right' },
  { header: 'cpu share', value: (r) => r.share, align: 'right' },
];
console.log(args.markdown ? markdownTable(rows, columns) : terminalTable(rows, columns));
console.log(
  `${args.model}, batch ${args.batch}, ${args.steps} steps: ${((args.batch * 1000) / stepWall).toFixed(0)} images/s wall, ` +
    `${((1000 * stepCpu) / args.batch).toFixed(1)} µs CPU per image.`,
);
process.exit(0);
