// A training run for the kill -9 test (run as a child process): fit with a resume checkpoint and a
// best-model checkpoint, printing one line per completed epoch so the test knows when to kill it.
// With a third argument it stalls after reporting that epoch (before its checkpoint is written),
// so a busy machine cannot let it finish before the kill arrives.
import * as tf from '@tensorflow/tfjs';
import { createTrainStep } from '../../src/engine/index.ts';
import { createOptimizer, fit, ModelCheckpoint } from '../../src/fit/index.ts';
import { buildModel, DENSE_MODEL } from '../../src/models/index.ts';
import { syntheticSet } from './synthetic.ts';

const [modelDir, epochs, stallAfter] = process.argv.slice(2);
await tf.setBackend('cpu');
const train = syntheticSet(600, 1);
const model = buildModel({ ...DENSE_MODEL, denseUnits: [64] }, { numClasses: train.numClasses, seed: 3 });
const result = await fit(model, train, {
  epochs: Number(epochs),
  batchSize: 16,
  seed: 5,
  optimizer: createOptimizer({ name: 'adam', learningRate: 0.001 }),
  createTrainStep,
  validation: syntheticSet(100, 2),
  resume: { dir: `${modelDir}.resume`, fingerprint: 'kill-test' },
  callbacks: [
    new ModelCheckpoint(modelDir),
    {
      onEpochEnd: async (log) => {
        process.stdout.write(`epoch ${log.epoch} done\n`);
        if (String(log.epoch) === stallAfter) await new Promise((resolve) => setTimeout(resolve, 60_000));
      },
    },
  ],
});
process.stdout.write(`${JSON.stringify({ resumedEpochs: result.resumedEpochs, epochs: result.epochs.map((e) => e.epoch) })}\n`);
