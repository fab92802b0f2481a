/**
 * CPU time of the wasm convolution kernels alone on the convnet's layer shapes (batch 128): the
 * forward convolution and both gradients, best of `--repeats` calls each, interleaved. The
 * figures behind the choices in src/engine/kernels/README.md; a whole step is profile-step.ts.
 *
 *   npx tsx training/bench/conv-kernels.ts [--repeats 15] [--pad valid|same] [--markdown]
 */
import * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { markdownTable, terminalTable, type Column } from '../src/common/index.ts';
import { describeBackend, initBackend } from '../src/engine/index.ts';

const args = yargs(hideBin(process.argv))
  .option('repeats', { type: 'number', default: 15 })
  .option('pad', { choices: ['valid', 'same'] as const, default: 'valid' as const })
  .option('markdown', { type: 'boolean', default: false })
  .strict()
  .parseSync();

/** The convnet's three convolutions on a batch of 128: input shape and HWIO filter. */
const layers: { name: string; x: [number, number, number, number]; filter: [number, number, number, number] }[] = [
  { name: '28x28x1 -> 32', x: [128, 28, 28, 1], filter: [3, 3, 1, 32] },
  { name: '13x13x32 -> 64', x: [128, 13, 13, 32], filter: [3, 3, 32, 64] },
  { name: '5x5x64 -> 64', x: [128, 5, 5, 64], filter: [3, 3, 64, 64] },
];

const backend = await initBackend({ backend: 'wasm' });
console.error(describeBackend(backend));

interface Row {
  layer: string;
  forward: number;
  filterGradient: number;
  inputGradient: number;
}

/** Least CPU milliseconds of one call of each function, over interleaved repeats. */
function bestOf(functions: (() => tf.Tensor)[]): number[] {
  const best = functions.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < args.repeats; r++) {
    functions.forEach((f, i) => {
      const start = process.cpuUsage();
      const out = f();
      const cpu = process.cpuUsage(start);
      out.dispose();
      best[i] = Math.min(best[i]!, (cpu.user + cpu.system) / 1000);
    });
  }
  return best;
}

const rows: Row[] = layers.map(({ name, x: xShape, filter: filterShape }) => {
  const x = tf.randomNormal(xShape) as tf.Tensor4D;
  const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
  const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x, filter, 1, args.pad).shape));
  const attrs = { strides: [1, 1], pad: args.pad, dataFormat: 'NHWC' } as const;
  const [forward, filterGradient, inputGradient] = bestOf([
    () => tf.conv2d(x, filter, 1, args.pad),
    () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
  ]);
  tf.dispose([x, filter, dy]);
  return { layer: name, forward: forward!, filterGradient: filterGradient!, inputGradient: inputGradient! };
});

const ms = (v: number) => v.toFixed(2);
const columns: Column<Row>[] = [
  { header: `layer (batch 128, 3x3, ${args.pad})`, value: (r) => r.layer },
  { header: 'Conv2D ms', value: (r) => ms(r.forward), align: 'right' },
  { header: 'filter gradient ms', value: (r) => ms(r.filterGradient), align: 'right' },
  { header: 'input gradient ms', value: (r) => ms(r.inputGradient), align: 'right' },
];
console.log(args.markdown ? markdownTable(rows, columns) : terminalTable(rows, columns));
console.log(`best CPU time of ${args.repeats} interleaved calls each.`);
