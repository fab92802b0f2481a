/** `letters personalize`: fine-tune a model on a user's own labelled drawings (the web demo's Teach mode, on the command line). */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LettersError } from '@letters/contract';
import { writeFileAtomic } from '@letters/contract/node';
import { PERSONALIZE_DEFAULTS, personalize as personalizeModel, REHEARSAL_IMAGES, type FineTuneProgress } from '@letters/export/personalize';
import { loadDataset, progressBar, type Progress } from '@letters/training';
import { command, informer, printJson, warn } from '../command.ts';
import { positiveInteger } from '../options.ts';
import { nodePersonalizeRuntime } from '../personalize/node-runtime.ts';
import { readSampleDir } from '../personalize/sample-dir.ts';

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

export const personalize = command(
  (y) =>
    y
      .option('base', { type: 'string', demandOption: true, describe: 'ONNX model to start from (from letters export, or personalized before)' })
      .option('samples', { type: 'string', demandOption: true, describe: 'Folder with one subfolder of images per letter: A/, B/, ... (at least 3 each)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Personalized ONNX file to write (atomically)' })
      .option('layers', { choices: ['last', 'all'] as const, default: PERSONALIZE_DEFAULTS.layers, describe: 'Train the dense layers after the convolutions, or every layer' })
      .option('epochs', { type: 'number', default: PERSONALIZE_DEFAULTS.epochs })
      .option('learning-rate', { type: 'number', default: PERSONALIZE_DEFAULTS.learningRate, describe: 'Adam learning rate' })
      .option('batch-size', { type: 'number', default: PERSONALIZE_DEFAULTS.batchSize })
      .option('seed', { type: 'number', default: PERSONALIZE_DEFAULTS.seed, describe: 'Seeds the held-out choice and the batch order' })
      .option('threads', { type: 'number', describe: 'onnxruntime-node intra-op threads (default: all cores)' })
      .example('$0 personalize --base models/tuned.onnx --samples my-letters/ -o mine.onnx', '')
      .epilogue(
        'About a quarter of each letter\'s images are kept apart and measured before and after. When the fine-tune lowers their accuracy, ' +
          'nothing is written and the exit code is 1.',
      ),
  async (args) => {
    const inform = informer(args);
    if (resolve(args.out) === resolve(args.base)) {
      throw new LettersError(`--out ${args.out}: the same file as --base; write the personalized model to a new file`, { kind: 'usage' });
    }
    const options = {
      epochs: positiveInteger('epochs', args.epochs)!,
      batchSize: positiveInteger('batch-size', args.batchSize)!,
      threads: positiveInteger('threads', args.threads),
    };
    if (!(args.learningRate > 0 && Number.isFinite(args.learningRate))) {
      throw new LettersError(`--learning-rate ${args.learningRate}: must be a positive number, e.g. ${PERSONALIZE_DEFAULTS.learningRate}`, { kind: 'usage' });
    }
    if (!Number.isInteger(args.seed)) throw new LettersError(`--seed ${args.seed}: must be an integer`, { kind: 'usage' });
    const base = await readFile(args.base).catch((error: Error) => {
      throw new LettersError(`--base ${args.base}: cannot read the model (${error.message}); pass an .onnx file from letters export`, { kind: 'usage', cause: error });
    });
    const { samples, letters } = await readSampleDir(args.samples);
    const { train: generated } = await loadDataset('fixtures', { limit: REHEARSAL_IMAGES });
    inform(`personalize ${args.base} on ${samples.length} images of ${letters.length} letters (${args.layers} layers, onnxruntime-node)`);

    let bar: Progress | undefined;
    const onProgress = (p: FineTuneProgress) => {
      bar ??= progressBar({ label: 'fine-tune', total: p.steps, unit: 'steps', quiet: args.quiet || args.json });
      bar.tick(1, { epoch: `${p.epoch}/${p.epochs}`, loss: p.loss });
    };
    const started = performance.now();
    let result;
    try {
      result = await personalizeModel(nodePersonalizeRuntime(options.threads), {
        base,
        baseName: basename(args.base),
        samples,
        letters,
        layers: args.layers,
        epochs: options.epochs,
        learningRate: args.learningRate,
        batchSize: options.batchSize,
        seed: args.seed,
        rehearsal: Float32Array.from(generated.images, (v) => v / 255),
        onProgress,
      });
    } finally {
      bar?.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      accepted: result.accepted,
      out: result.accepted ? args.out : null,
      trained: result.trained,
      heldOut: result.heldOut,
      accuracyBefore: result.before,
      accuracyAfter: result.after,
      finalLoss: result.losses.at(-1),
      seconds,
    };
    // Nothing is written: the user's base model stays the one to use.
    if (!result.accepted) throw new LettersError(`${args.samples}: ${result.message}`);
    await writeFileAtomic(args.out, result.model);
    if (args.json) printJson(summary);
    else {
      process.stdout.write(
        `wrote ${args.out}: held-out accuracy ${percent(result.before)} -> ${percent(result.after)} on ${result.heldOut} images ` +
          `(trained on ${result.trained}, ${seconds.toFixed(1)} s)\n`,
      );
      if (result.after === result.before) warn('the held-out images were read no better than before; add more drawings of the letters it misreads');
    }
  },
);
